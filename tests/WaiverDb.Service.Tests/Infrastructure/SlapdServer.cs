using System.Diagnostics;
using System.Text;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A throwaway OpenLDAP server (Debian's <c>slapd</c>) on a free loopback port, with its
/// configuration and mdb database in a temporary folder, seeded with a group tree:
/// <c>ou=groups</c> (packagers: alice, frank; qa: bob) and <c>ou=teams</c> (kernel-team:
/// carol; release-team: dave). As root it runs as the <c>openldap</c> user. Anyone may read
/// it, except the one <see cref="StartWithGssapiAsync"/> starts.
/// </summary>
public sealed class SlapdServer : IAsyncLifetime
{
    public const string Suffix = "dc=example,dc=com";
    public const string AdminDn = "cn=admin," + Suffix;
    public const string AdminPassword = "admin-secret";
    private const string Slapd = "/usr/sbin/slapd";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"waiverdb-slapd-{Guid.NewGuid():N}");
    private readonly StringBuilder _output = new();
    private readonly Gssapi? _gssapi;
    private Process? _process;

    public SlapdServer()
    {
    }

    private SlapdServer(Gssapi gssapi)
    {
        _gssapi = gssapi;
    }

    public int Port { get; private set; }

    /// <summary>The value for <c>LDAP_HOST</c>.</summary>
    public string Uri => $"ldap://127.0.0.1:{Port}";

    /// <summary>The value for <c>LDAP_HOST</c> by the name in the server's principal (<c>ldap/localhost</c>).</summary>
    public string LocalhostUri => $"ldap://localhost:{Port}";

    /// <summary>
    /// Starts a server that accepts SASL GSSAPI binds in <paramref name="realm"/> with the key
    /// of <c>ldap/localhost</c> from <paramref name="keytab"/> and the realm's client
    /// configuration <paramref name="krb5Config"/>, and that lets only bound users read:
    /// anonymous searches are refused.
    /// </summary>
    public static async Task<SlapdServer> StartWithGssapiAsync(string realm, string keytab, string krb5Config)
    {
        var server = new SlapdServer(new Gssapi(realm, keytab, krb5Config));
        await server.InitializeAsync();
        return server;
    }

    private sealed record Gssapi(string Realm, string Keytab, string Krb5Config);

    public async Task InitializeAsync()
    {
        // xunit does not dispose a fixture whose start failed: clean up here.
        try
        {
            await StartAsync();
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync()
    {
        if (!File.Exists(Slapd) || !File.Exists("/usr/bin/ldapadd"))
        {
            throw new InvalidOperationException(
                "slapd and ldapadd are required for the LDAP tests: apt-get install slapd ldap-utils (as .ci/run does)");
        }

        var data = Path.Combine(_directory, "data");
        Directory.CreateDirectory(data);
        var config = Path.Combine(_directory, "slapd.conf");
        var sasl = string.Empty;
        var access = "access to * by * read";
        var environment = new Dictionary<string, string>();
        if (_gssapi is not null)
        {
            // Copies the server may read as openldap (the realm's folder is private). An
            // identity that no authz-regexp maps is still an authenticated user.
            var keytab = Path.Combine(_directory, "ldap.keytab");
            var krb5Config = Path.Combine(_directory, "krb5.conf");
            File.Copy(_gssapi.Keytab, keytab);
            File.Copy(_gssapi.Krb5Config, krb5Config);
            environment["KRB5_KTNAME"] = "FILE:" + keytab;
            environment["KRB5_CONFIG"] = krb5Config;
            environment["KRB5RCACHEDIR"] = _directory;
            sasl = $"sasl-realm {_gssapi.Realm}\nsasl-host localhost";
            access = "access to * by anonymous auth by users read";
        }

        await File.WriteAllTextAsync(config, $"""
            include /etc/ldap/schema/core.schema
            include /etc/ldap/schema/cosine.schema
            include /etc/ldap/schema/nis.schema
            include /etc/ldap/schema/inetorgperson.schema
            modulepath /usr/lib/ldap
            moduleload back_mdb
            pidfile {_directory}/slapd.pid
            {sasl}
            database mdb
            maxsize 10485760
            suffix "{Suffix}"
            rootdn "{AdminDn}"
            rootpw {AdminPassword}
            directory {data}
            {access}
            """);

        var runAs = new List<string>();
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", ["-R", "openldap:openldap", _directory]);
            runAs.AddRange(["-u", "openldap", "-g", "openldap"]);
        }

        Port = LoopbackPorts.Free();
        var info = new ProcessStartInfo(Slapd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-d", "0", "-h", $"ldap://127.0.0.1:{Port}/", "-f", config }.Concat(runAs))
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var key in new[] { "KRB5_CONFIG", "KRB5_KTNAME", "KRB5CCNAME", "KRB5_CLIENT_KTNAME" })
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        _process = Process.Start(info) ?? throw new InvalidOperationException("could not start slapd");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        // ldapadd is also the readiness probe: it fails until slapd listens.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"slapd exited with {_process.ExitCode}: {Output}");
            }

            if (await TryModifyAsync("ldapadd", Seed) is not { } failure)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"slapd did not accept the seed: {failure}\n{Output}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Applies <paramref name="ldif"/> with <c>ldapmodify</c> as the admin.</summary>
    public async Task ModifyAsync(string ldif)
    {
        if (await TryModifyAsync("ldapmodify", ldif) is { } failure)
        {
            throw new InvalidOperationException(failure);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private const string Seed = $"""
        dn: {Suffix}
        objectClass: dcObject
        objectClass: organization
        dc: example
        o: Example

        dn: ou=groups,{Suffix}
        objectClass: organizationalUnit
        ou: groups

        dn: cn=packagers,ou=groups,{Suffix}
        objectClass: posixGroup
        cn: packagers
        gidNumber: 1001
        memberUid: alice
        memberUid: frank

        dn: cn=qa,ou=groups,{Suffix}
        objectClass: posixGroup
        cn: qa
        gidNumber: 1002
        memberUid: bob

        dn: ou=teams,{Suffix}
        objectClass: organizationalUnit
        ou: teams

        dn: cn=kernel-team,ou=teams,{Suffix}
        objectClass: posixGroup
        cn: kernel-team
        gidNumber: 2001
        memberUid: carol

        dn: cn=release-team,ou=teams,{Suffix}
        objectClass: posixGroup
        cn: release-team
        gidNumber: 2002
        memberUid: dave

        """;

    /// <summary>Runs an ldap-utils tool with <paramref name="ldif"/> on stdin; null on success, else what it said.</summary>
    private async Task<string?> TryModifyAsync(string tool, string ldif)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-x", "-H", Uri, "-D", AdminDn, "-w", AdminPassword })
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {tool}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.StandardInput.WriteAsync(ldif);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The tool gave up before reading its input (slapd not listening yet): a broken
            // pipe here is the same failure as its exit status, which is reported below.
        }

        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? null : $"{tool} exited with {process.ExitCode}: {await stdout}{await stderr}";
    }

    private static async Task RunAsync(string program, string[] arguments)
    {
        var info = new ProcessStartInfo(program) { UseShellExecute = false, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} exited with {process.ExitCode}: {error}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

}
