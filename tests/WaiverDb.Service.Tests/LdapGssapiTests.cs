using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// The realm's principals for LDAP (<c>ldap/localhost</c> in slapd's keytab,
/// <c>waiverdb/localhost</c> in the service's client keytab, <c>stale/localhost</c> in a
/// keytab whose key was changed since) and a slapd that accepts SASL GSSAPI binds and
/// refuses anonymous reads.
/// </summary>
public sealed class GssapiDirectory(KerberosFixture kerberos) : IAsyncLifetime
{
    private SlapdServer? _slapd;

    public SlapdServer Slapd => _slapd ?? throw new InvalidOperationException(KerberosRealm.Unavailable ?? "not started");

    public string ClientKeytab { get; private set; } = string.Empty;

    public string StaleKeytab { get; private set; } = string.Empty;

    public KerberosRealm Realm => kerberos.Realm;

    public async Task InitializeAsync()
    {
        if (KerberosRealm.Unavailable is not null)
        {
            return;
        }

        var ldapKeytab = await Realm.AddServiceAsync("ldap/localhost", "ldap.keytab");
        ClientKeytab = await Realm.AddServiceAsync("waiverdb/localhost", "waiverdb.keytab");
        StaleKeytab = await Realm.AddServiceAsync("stale/localhost", "stale.keytab");
        await Realm.RandomizeKeyAsync("stale/localhost");
        _slapd = await SlapdServer.StartWithGssapiAsync(KerberosFixture.RealmName, ldapKeytab, Realm.Krb5Config);
    }

    public async Task DisposeAsync()
    {
        if (_slapd is not null)
        {
            await _slapd.DisposeAsync();
        }
    }
}

/// <summary>
/// <c>LDAP_BIND_METHOD</c> GSSAPI end to end: the service process binds to a real slapd with
/// SASL GSSAPI, taking its credentials from the client keytab its settings file names
/// (<c>KRB5_CLIENT_KTNAME</c>) in a throwaway MIT realm, and searches as that principal.
/// </summary>
[Collection(KerberosCollection.Name)]
public sealed class LdapGssapiTests(GssapiDirectory directory) : IClassFixture<GssapiDirectory>
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [KerberosFact]
    public async Task AGssapiBindWithTheClientKeytabReadsTheGroups()
    {
        await using var service = await StartAsync("GSSAPI", directory.ClientKeytab);

        var (created, body) = await service.PostAsync("gss-1.fc40", "alice");
        var (refused, _) = await service.PostAsync("gss-2.fc40", "bob");

        Assert.True(created == HttpStatusCode.Created, $"{(int)created}: {body}\n{service.Output}");
        Assert.Equal("alice", (string?)body["username"]);
        Assert.Equal(HttpStatusCode.Forbidden, refused);
    }

    [KerberosFact]
    public async Task TheSameServerRefusesAnAnonymousSearch()
    {
        await using var service = await StartAsync("anonymous", clientKeytab: null);

        var (status, body) = await service.PostAsync("gss-3.fc40", "alice");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Equal($"The LDAP group lookup at {directory.Slapd.LocalhostUri}/ failed: The user has insufficient access rights.", (string?)body["message"]);
        Assert.Equal(0, await service.CountWaiversAsync());
    }

    [KerberosFact]
    public async Task AClientKeytabWithAStaleKeyIsABadGatewayThatSaysWhy()
    {
        await using var service = await StartAsync("GSSAPI", directory.StaleKeytab);

        var (status, body) = await service.PostAsync("gss-4.fc40", "alice");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = (string?)body["message"];
        Assert.StartsWith($"The LDAP group lookup at {directory.Slapd.LocalhostUri}/ failed: the GSSAPI bind was refused: ", message, StringComparison.Ordinal);
        // GSSAPI's reason: the key in the keytab no longer decrypts the KDC's answer.
        Assert.Contains("(Decrypt integrity check failed)", message, StringComparison.Ordinal);
        Assert.Equal(0, await service.CountWaiversAsync());
    }

    [KerberosFact]
    public async Task AMissingClientKeytabIsABadGatewayThatSaysWhy()
    {
        await using var service = await StartAsync("GSSAPI", Path.Combine(directory.Realm.Directory, "missing.keytab"));

        var (status, body) = await service.PostAsync("gss-5.fc40", "alice");

        Assert.Equal(HttpStatusCode.BadGateway, status);
        var message = (string?)body["message"];
        Assert.StartsWith($"The LDAP group lookup at {directory.Slapd.LocalhostUri}/ failed: the GSSAPI bind was refused: ", message, StringComparison.Ordinal);
        Assert.Contains("No Kerberos credentials available", message, StringComparison.Ordinal);
        Assert.Equal(0, await service.CountWaiversAsync());
    }

    /// <summary>
    /// The service in its own process (GSSAPI reads that process's environment), with an empty
    /// credential cache of its own and the bind settings in its settings file. libldap is told
    /// not to canonicalize the server name: 127.0.0.1 would become the machine's host name.
    /// </summary>
    private async Task<GssapiService> StartAsync(string bindMethod, string? clientKeytab)
    {
        var postgres = await PostgresServer.Shared;
        var database = await postgres.CreateDatabaseAsync();
        var settings = Path.Combine(Path.GetTempPath(), $"waiverdb-test-ldap-gssapi-{Guid.NewGuid():N}.json");
        var file = new JsonObject
        {
            ["DATABASE_URI"] = postgres.Uri(database),
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
            ["PERMISSIONS"] = JsonNode.Parse("""[{"name": "dist", "testcases": ["dist.*"], "groups": ["packagers"]}]"""),
            ["LDAP_HOST"] = directory.Slapd.LocalhostUri,
            ["LDAP_BASE"] = $"ou=groups,{SlapdServer.Suffix}",
            ["LDAP_BIND_METHOD"] = bindMethod,
        };
        if (clientKeytab is not null)
        {
            file["KRB5_CLIENT_KTNAME"] = "FILE:" + clientKeytab;
        }

        await File.WriteAllTextAsync(settings, file.ToJsonString());
        var process = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["WAIVERDB_CONFIG"] = settings,
            ["KRB5_CONFIG"] = directory.Realm.Krb5Config,
            ["KRB5CCNAME"] = "FILE:" + Path.Combine(directory.Realm.Directory, $"cc-{Guid.NewGuid():N}"),
            ["LDAPSASL_NOCANON"] = "on",
        });
        var service = new GssapiService(process, postgres, database, settings);
        try
        {
            await process.WaitUntilHealthyAsync(StartTimeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    private sealed class GssapiService(ServiceProcess process, PostgresServer postgres, string database, string settings) : IAsyncDisposable
    {
        public string Output => process.Output;

        public async Task<(HttpStatusCode Status, JsonNode Body)> PostAsync(string identifier, string user)
        {
            using var client = new HttpClient { BaseAddress = process.BaseAddress };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":anything")));
            using var response = await client.PostAsJsonAsync("/api/v1.0/waivers/", new JsonObject
            {
                ["subject_type"] = "koji_build",
                ["subject_identifier"] = identifier,
                ["testcase"] = "dist.rpmdeplint",
                ["product_version"] = "fedora-40",
                ["comment"] = "groups from LDAP with a GSSAPI bind",
            });
            var text = await response.Content.ReadAsStringAsync();
            return (response.StatusCode, JsonNode.Parse(text) ?? new JsonObject());
        }

        public async Task<long> CountWaiversAsync()
        {
            await using var db = new NpgsqlConnection(postgres.ConnectionString(database));
            return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver");
        }

        public async ValueTask DisposeAsync()
        {
            await process.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            await postgres.DropDatabaseAsync(database);
            File.Delete(settings);
        }
    }
}
