using Npgsql;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

public sealed class DatabaseUriTests
{
    private static NpgsqlConnectionStringBuilder Parsed(string uri, string? password = null)
    {
        var builder = DatabaseUri.Parse(uri, password, out var problem);
        Assert.True(builder is not null, problem);
        Assert.Equal(string.Empty, problem);
        return builder;
    }

    private static string Refused(string uri)
    {
        Assert.Null(DatabaseUri.Parse(uri, null, out var problem));
        Assert.NotEqual(string.Empty, problem);
        return problem;
    }

    [Fact]
    public void TheSqlAlchemyPsycopg2FormIsRead()
    {
        var builder = Parsed("postgresql+psycopg2://waiverdb@db.example.com:5433/waiverdb?sslmode=require");

        Assert.Equal(("db.example.com", 5433, "waiverdb", "waiverdb"), (builder.Host, builder.Port, builder.Username, builder.Database));
        Assert.Equal(SslMode.Require, builder.SslMode);
        Assert.Null(builder.Password);
    }

    [Theory]
    [InlineData("postgresql://waiverdb@db/waiverdb")]
    [InlineData("postgres://waiverdb@db/waiverdb")]
    [InlineData("postgresql+psycopg://waiverdb@db/waiverdb")]
    [InlineData("postgresql+pg8000://waiverdb@db/waiverdb")]
    [InlineData("PostgreSQL://waiverdb@db/waiverdb")]
    public void EveryPostgresqlSchemeIsAcceptedWithTheDefaultPort(string uri)
    {
        var builder = Parsed(uri);

        Assert.Equal(("db", 5432, "waiverdb", "waiverdb"), (builder.Host, builder.Port, builder.Username, builder.Database));
    }

    [Fact]
    public void APasswordInTheUriIsUsedWhenDatabasePasswordIsUnset()
    {
        Assert.Equal("fromuri", Parsed("postgresql://waiverdb:fromuri@db/waiverdb").Password);
        Assert.Equal("fromuri", Parsed("postgresql://waiverdb:fromuri@db/waiverdb", string.Empty).Password);
    }

    [Fact]
    public void DatabasePasswordOverridesThePasswordInTheUri()
    {
        Assert.Equal("secret", Parsed("postgresql://waiverdb:fromuri@db/waiverdb", "secret").Password);
        Assert.Equal("secret", Parsed("postgresql://waiverdb@db/waiverdb", "secret").Password);
    }

    [Fact]
    public void PercentEncodedPartsAreDecoded()
    {
        var builder = Parsed("postgresql://wai%40ver:p%2F%3Ass@db/waiver%2Ddb");

        Assert.Equal(("wai@ver", "p/:ss", "waiver-db"), (builder.Username, builder.Password, builder.Database));
    }

    [Fact]
    public void AUriWithoutAUserLeavesTheUsernameUnset()
    {
        Assert.Null(Parsed("postgresql://db:5432/waiverdb").Username);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("allow", SslMode.Allow)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("require", SslMode.Require)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void EveryLibpqSslModeIsRead(string mode, SslMode expected)
    {
        Assert.Equal(expected, Parsed($"postgresql://waiverdb@db/waiverdb?sslmode={mode}").SslMode);
    }

    [Fact]
    public void CertificateParametersAreRead()
    {
        var builder = Parsed("postgresql://waiverdb@db/waiverdb?sslmode=verify-full&sslrootcert=/etc/ca.pem"
            + "&sslcert=/etc/client.pem&sslkey=/etc/client.key&application_name=wdb&connect_timeout=7");

        Assert.Equal(("/etc/ca.pem", "/etc/client.pem", "/etc/client.key"), (builder.RootCertificate, builder.SslCertificate, builder.SslKey));
        Assert.Equal(("wdb", 7), (builder.ApplicationName, builder.Timeout));
    }

    [Fact]
    public void TheHostParameterOverridesTheAuthority()
    {
        Assert.Equal("/var/run/postgresql", Parsed("postgresql://waiverdb@localhost/waiverdb?host=/var/run/postgresql").Host);
        Assert.Equal("/var/run/postgresql", Parsed("postgresql://waiverdb@localhost/waiverdb?host=%2Fvar%2Frun%2Fpostgresql").Host);
    }

    [Fact]
    public void AUnixSocketUriWithoutAHostIsRead()
    {
        var builder = Parsed("postgresql:///waiverdb?host=/var/run/postgresql");

        Assert.Equal(("/var/run/postgresql", "waiverdb"), (builder.Host, builder.Database));
    }

    [Fact]
    public void AnIpv6HostKeepsTheBracketsNpgsqlExpects()
    {
        var builder = Parsed("postgresql://waiverdb@[::1]:5433/waiverdb");

        Assert.Equal(("[::1]", 5433), (builder.Host, builder.Port));
    }

    [Fact]
    public void ThePortParameterOverridesTheAuthority()
    {
        Assert.Equal(6543, Parsed("postgresql://waiverdb@db:5433/waiverdb?port=6543").Port);
    }

    [Theory]
    [InlineData("mysql://waiverdb@db/waiverdb")]
    [InlineData("sqlite:////var/lib/waiverdb.db")]
    [InlineData("http://db/waiverdb")]
    [InlineData("db:5432/waiverdb")]
    [InlineData("not a uri")]
    [InlineData("")]
    public void AnUnknownSchemeIsRefused(string uri)
    {
        Assert.Equal("must look like postgresql://user@host:port/database", Refused(uri));
    }

    [Theory]
    [InlineData("postgresql://waiverdb@db:5432")]
    [InlineData("postgresql://waiverdb@db/")]
    [InlineData("postgresql://waiverdb@db/?sslmode=require")]
    public void AUriWithoutADatabaseIsRefused(string uri)
    {
        Assert.Equal("must name a database (postgresql://user@host:port/database)", Refused(uri));
    }

    [Theory]
    [InlineData("postgresql://waiverdb@db/waiverdb?sslmode=sometimes", "sslmode=sometimes")]
    [InlineData("postgresql://waiverdb@db/waiverdb?port=abc", "port=abc")]
    [InlineData("postgresql://waiverdb@db/waiverdb?connect_timeout=-1", "connect_timeout=-1")]
    [InlineData("postgresql://waiverdb@db/waiverdb?client_encoding=utf8", "client_encoding=utf8")]
    [InlineData("postgresql://waiverdb@db/waiverdb?sslmode", "sslmode=")]
    public void AnUnsupportedOrInvalidParameterIsRefusedByName(string uri, string parameter)
    {
        Assert.StartsWith($"unsupported or invalid query parameter '{parameter}'", Refused(uri));
    }
}
