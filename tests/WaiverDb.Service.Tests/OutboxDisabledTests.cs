using Dapper;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>With MESSAGE_BUS_PUBLISH false (the default) waivers are stored and no message is written.</summary>
public sealed class OutboxDisabledTests : ServiceFixture
{
    [Fact]
    public async Task WithoutMessageBusPublishNoOutboxRowIsWritten()
    {
        await CreateAsync(WaiverBody());

        await using var db = OpenDatabase();
        Assert.Equal(1, await CountWaiversAsync());
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiverdb_outbox"));
    }
}
