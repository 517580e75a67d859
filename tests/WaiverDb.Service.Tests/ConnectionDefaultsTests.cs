using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WaiverDb.Service.Database;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>The session settings the waiver queries are written for, on the service's own connections.</summary>
public sealed class ConnectionDefaultsTests : ServiceFixture
{
    [Fact]
    public async Task ServiceConnectionsRunWithoutJit()
    {
        await using var connection = await Application.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();

        Assert.Equal("off", await connection.ExecuteScalarAsync<string>("SHOW jit"));
    }

    [Fact]
    public async Task AStatementRunRepeatedlyIsPreparedOnTheConnection()
    {
        await using var connection = await Application.Services.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync();
        for (var i = 0; i < 6; i++)
        {
            await connection.ExecuteScalarAsync<int>("SELECT count(*)::int FROM waiver WHERE id > @id", new { id = i });
        }

        Assert.Equal(1, await connection.ExecuteScalarAsync<int>(
            "SELECT count(*)::int FROM pg_prepared_statements WHERE statement LIKE '%FROM waiver WHERE id > $1%'"));
    }

    [Theory]
    [InlineData("Host=127.0.0.1", "-c jit=off", 32)]
    [InlineData("Host=127.0.0.1;Options=-c statement_timeout=5000", "-c statement_timeout=5000 -c jit=off", 32)]
    [InlineData("Host=127.0.0.1;Options=-c jit=on;Max Auto Prepare=5", "-c jit=on", 5)]
    public void DefaultsAreAddedWithoutOverridingWhatTheConnectionStringSays(string given, string options, int maxAutoPrepare)
    {
        var connection = new NpgsqlDataSourceBuilder(given).WithQueryDefaults().ConnectionStringBuilder;

        Assert.Equal(options, connection.Options);
        Assert.Equal(maxAutoPrepare, connection.MaxAutoPrepare);
        Assert.True(connection.NoResetOnClose);
    }
}
