using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A throwaway MIT Kerberos realm: its own database, krb5.conf and kdc.conf in a temp
/// directory and a <c>krb5kdc</c> listening on 127.0.0.1 only. Needs the Debian packages
/// krb5-kdc, krb5-admin-server (kadmin.local) and krb5-user (kinit).
/// </summary>
public sealed class KerberosRealm : IAsyncDisposable
{
    private static readonly string[] Programs = ["kdb5_util", "kadmin.local", "krb5kdc", "kinit"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _kdc;

    private KerberosRealm(string name, string directory, Process kdc)
    {
        Name = name;
        Directory = directory;
        _kdc = kdc;
    }

    public string Name { get; }

    /// <summary>The realm's temp directory: its database, configuration, keytabs and caches.</summary>
    public string Directory { get; }

    /// <summary>The client configuration (<c>KRB5_CONFIG</c>) that finds this realm's KDC.</summary>
    public string Krb5Config => Path.Combine(Directory, "krb5.conf");

    private string KdcProfile => Path.Combine(Directory, "kdc.conf");

    /// <summary>Why a realm cannot be created here (a missing program), or null when it can.</summary>
    public static string? Unavailable { get; } = FindUnavailable();

    /// <summary>Creates the realm's database and starts its KDC.</summary>
    public static async Task<KerberosRealm> StartAsync(string name)
    {
        if (Unavailable is not null)
        {
            throw new InvalidOperationException(Unavailable);
        }

        var directory = System.IO.Directory.CreateTempSubdirectory("waiverdb-krb5-").FullName;
        var port = LoopbackPorts.Free();
        await File.WriteAllTextAsync(Path.Combine(directory, "krb5.conf"), $$"""
            [libdefaults]
                default_realm = {{name}}
                dns_lookup_kdc = false
                dns_lookup_realm = false
                dns_canonicalize_hostname = false
                rdns = false
            [realms]
                {{name}} = {
                    kdc = 127.0.0.1:{{port}}
                }
            [domain_realm]
                localhost = {{name}}
            """);
        await File.WriteAllTextAsync(Path.Combine(directory, "kdc.conf"), $$"""
            [kdcdefaults]
                kdc_listen = 127.0.0.1:{{port}}
                kdc_tcp_listen = 127.0.0.1:{{port}}
            [realms]
                {{name}} = {
                    database_name = {{directory}}/principal
                    key_stash_file = {{directory}}/stash
                    acl_file = {{directory}}/kadm5.acl
                    kdc_listen = 127.0.0.1:{{port}}
                    kdc_tcp_listen = 127.0.0.1:{{port}}
                }
            [logging]
                kdc = FILE:{{directory}}/kdc.log
            """);

        var environment = RealmEnvironment(directory);
        await RunAsync(environment, null, "kdb5_util", "create", "-s", "-P", "master-" + Guid.NewGuid().ToString("N"), "-r", name, "-d", Path.Combine(directory, "principal"));

        var start = new ProcessStartInfo(Find("krb5kdc")!) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-n");
        start.ArgumentList.Add("-r");
        start.ArgumentList.Add(name);
        Apply(start, environment);
        var kdc = Process.Start(start) ?? throw new InvalidOperationException("krb5kdc did not start");
        kdc.OutputDataReceived += (_, _) => { };
        kdc.ErrorDataReceived += (_, _) => { };
        kdc.BeginOutputReadLine();
        kdc.BeginErrorReadLine();
        var realm = new KerberosRealm(name, directory, kdc);
        await realm.WaitForKdcAsync(port);
        return realm;
    }

    /// <summary>Adds a user principal with <paramref name="password"/>.</summary>
    public Task AddUserAsync(string principal, string password) =>
        KadminAsync($"addprinc -pw {password} {principal}");

    /// <summary>Adds a service principal with a random key and writes its key to a keytab; returns the keytab's path.</summary>
    public async Task<string> AddServiceAsync(string principal, string keytabName)
    {
        var keytab = Path.Combine(Directory, keytabName);
        await KadminAsync($"addprinc -randkey {principal}");
        await KadminAsync($"ktadd -k {keytab} {principal}");
        return keytab;
    }

    /// <summary>Gives <paramref name="principal"/> a new random key that no keytab holds: keytabs written before hold a stale key.</summary>
    public Task RandomizeKeyAsync(string principal) => KadminAsync($"cpw -randkey {principal}");

    /// <summary>Runs kinit for <paramref name="principal"/> (password on stdin) into a new cache; returns its <c>KRB5CCNAME</c>.</summary>
    public async Task<string> KinitAsync(string principal, string password)
    {
        var cache = "FILE:" + Path.Combine(Directory, $"cc-{Guid.NewGuid():N}");
        var environment = new Dictionary<string, string?>(RealmEnvironment(Directory)) { ["KRB5CCNAME"] = cache };
        await RunAsync(environment, password + "\n", "kinit", principal);
        return cache;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_kdc.HasExited)
        {
            _kdc.Kill();
            await _kdc.WaitForExitAsync();
        }

        _kdc.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private Task KadminAsync(string query) =>
        RunAsync(RealmEnvironment(Directory), null, "kadmin.local", "-r", Name, "-q", query);

    private static Dictionary<string, string?> RealmEnvironment(string directory) => new()
    {
        ["KRB5_CONFIG"] = Path.Combine(directory, "krb5.conf"),
        ["KRB5_KDC_PROFILE"] = Path.Combine(directory, "kdc.conf"),
    };

    private async Task WaitForKdcAsync(int port)
    {
        var deadline = DateTime.UtcNow + CommandTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_kdc.HasExited)
            {
                throw new InvalidOperationException($"krb5kdc exited with {_kdc.ExitCode}: {ReadLog()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"krb5kdc did not listen on 127.0.0.1:{port}: {ReadLog()}");
    }

    private string ReadLog()
    {
        var log = Path.Combine(Directory, "kdc.log");
        return File.Exists(log) ? File.ReadAllText(log) : "(no log)";
    }

    private static async Task RunAsync(IReadOnlyDictionary<string, string?> environment, string? input, string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(Find(program) ?? program)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Apply(info, environment);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(CommandTimeout);
        await process.WaitForExitAsync(cancel.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments.Where(a => !a.StartsWith("master-", StringComparison.Ordinal)))} exited with {process.ExitCode}: {await output}{await error}");
        }
    }

    private static void Apply(ProcessStartInfo info, IReadOnlyDictionary<string, string?> environment)
    {
        // Nothing of the machine's own Kerberos setup may leak in.
        foreach (var key in new[] { "KRB5_CONFIG", "KRB5_KDC_PROFILE", "KRB5CCNAME", "KRB5_KTNAME" })
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }
    }

    /// <summary>The program's path in PATH or the sbin directories Debian puts the KDC tools in.</summary>
    private static string? Find(string program)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin"]);
        return directories.Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
    }

    private static string? FindUnavailable()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the Kerberos tests need Linux with MIT krb5";
        }

        var missing = Programs.Where(p => Find(p) is null).ToList();
        return missing.Count == 0 ? null
            : $"MIT Kerberos is not installed ({string.Join(", ", missing)} missing): apt-get install krb5-kdc krb5-admin-server krb5-user";
    }

}

/// <summary>A fact that is reported as skipped, with the reason, where no Kerberos realm can be created.</summary>
public sealed class KerberosFactAttribute : FactAttribute
{
    public KerberosFactAttribute()
    {
        if (KerberosRealm.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A theory that is reported as skipped, with the reason, where no Kerberos realm can be created.</summary>
public sealed class KerberosTheoryAttribute : TheoryAttribute
{
    public KerberosTheoryAttribute()
    {
        if (KerberosRealm.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
