using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// Tests that change the process's Kerberos client environment (<c>KRB5_CONFIG</c>,
/// <c>KRB5CCNAME</c>, read by libgssapi_krb5 at each use) share this collection, so they
/// run one at a time.
/// </summary>
[CollectionDefinition(Name)]
public sealed class KerberosCollection : ICollectionFixture<KerberosFixture>
{
    public const string Name = "Kerberos";
}

/// <summary>
/// The realm WAIVERDB.TEST with alice and <c>HTTP/localhost</c>, alice's ticket in this
/// process's credential cache, a database and the service process accepting Kerberos
/// only, its keytab named by <c>KRB5_KTNAME</c> in its settings file.
/// </summary>
public sealed class KerberosFixture : IAsyncLifetime
{
    public const string RealmName = "WAIVERDB.TEST";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly List<string> _files = [];
    private KerberosRealm? _realm;
    private ServiceProcess? _service;
    private PostgresServer? _postgres;
    private string _database = string.Empty;
    private string _cache = string.Empty;

    public KerberosRealm Realm => _realm ?? throw new InvalidOperationException(KerberosRealm.Unavailable ?? "not started");

    /// <summary>The service with the keytab of <c>HTTP/localhost</c>.</summary>
    public ServiceProcess Service => _service ?? throw new InvalidOperationException("not started");

    /// <summary>A keytab that holds only <c>HTTP/elsewhere</c>.</summary>
    public string OtherKeytab { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        if (KerberosRealm.Unavailable is not null)
        {
            // Every test of the collection is skipped with the reason.
            return;
        }

        _realm = await KerberosRealm.StartAsync(RealmName);
        await _realm.AddUserAsync("alice", "alice-password");
        var keytab = await _realm.AddServiceAsync("HTTP/localhost", "http.keytab");
        OtherKeytab = await _realm.AddServiceAsync("HTTP/elsewhere", "elsewhere.keytab");
        _cache = await _realm.KinitAsync("alice", "alice-password");
        UseRealm();

        _postgres = await PostgresServer.Shared;
        _database = await _postgres.CreateDatabaseAsync();

        // The keytab comes from the settings file here (the service exports it for GSSAPI);
        // StartServiceAsync passes it in the environment instead.
        var settings = Path.Combine(Path.GetTempPath(), $"waiverdb-test-krb5-{Guid.NewGuid():N}.json");
        _files.Add(settings);
        await File.WriteAllTextAsync(settings, new JsonObject
        {
            ["DATABASE_URI"] = _postgres.Uri(_database),
            ["AUTH_METHODS"] = new JsonArray("Kerberos"),
            ["KRB5_KTNAME"] = "FILE:" + keytab,
        }.ToJsonString());
        _service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["WAIVERDB_CONFIG"] = settings,
            ["KRB5_CONFIG"] = _realm.Krb5Config,
            ["KRB5RCACHEDIR"] = _realm.Directory,
        });
        await _service.WaitUntilHealthyAsync(StartTimeout);
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        if (_realm is not null)
        {
            await _realm.DisposeAsync();
        }

        NpgsqlConnection.ClearAllPools();
        if (_postgres is not null && _database.Length > 0)
        {
            await _postgres.DropDatabaseAsync(_database);
        }

        _files.ForEach(File.Delete);
    }

    /// <summary>Points this process's GSSAPI client at the realm and alice's credential cache.</summary>
    public void UseRealm()
    {
        NativeEnvironment.Set("KRB5_CONFIG", Realm.Krb5Config);
        NativeEnvironment.Set("KRB5CCNAME", _cache);
    }

    /// <summary>The service's address by the name its principal has: <c>localhost</c>.</summary>
    public Uri Address(ServiceProcess service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return new UriBuilder(service.BaseAddress) { Host = "localhost" }.Uri;
    }

    /// <summary>Starts another service process on the same database, accepting Kerberos with <paramref name="keytab"/> (from the environment).</summary>
    public async Task<ServiceProcess> StartServiceAsync(string keytab)
    {
        var service = ServiceProcess.Start(new Dictionary<string, string?>
        {
            ["DATABASE_URI"] = _postgres!.Uri(_database),
            ["AUTH_METHODS"] = """["Kerberos"]""",
            ["KRB5_KTNAME"] = keytab,
            ["KRB5_CONFIG"] = Realm.Krb5Config,
            ["KRB5RCACHEDIR"] = Realm.Directory,
        });
        try
        {
            await service.WaitUntilHealthyAsync(StartTimeout);
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    public async Task<long> CountWaiversAsync()
    {
        await using var db = new NpgsqlConnection(_postgres!.ConnectionString(_database));
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver");
    }
}
