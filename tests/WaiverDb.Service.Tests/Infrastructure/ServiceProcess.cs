using System.Diagnostics;
using System.Net;
using System.Text;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// The service as operators run it: its own process (<c>dotnet WaiverDb.Service.dll</c>),
/// configured by environment variables, serving real HTTP with Kestrel on a loopback port.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    // Without a file of its own the service would read the machine's /etc/waiverdb/settings.json.
    private static readonly Lazy<string> EmptySettingsFile = new(() =>
    {
        var path = Path.Combine(Path.GetTempPath(), "waiverdb-test-empty-settings.json");
        File.WriteAllText(path, "{}");
        return path;
    });

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly IReadOnlyDictionary<string, string?> _environment;
    private readonly string[] _arguments;

    // Set while stdout is read; reset, the reader stops, as a stalled log collector would.
    private readonly ManualResetEventSlim _readingOutput = new(initialState: true);

    private ServiceProcess(Process process, Uri baseAddress, IReadOnlyDictionary<string, string?> environment, string[] arguments)
    {
        _process = process;
        BaseAddress = baseAddress;
        _environment = environment;
        _arguments = arguments;
        process.OutputDataReceived += (_, e) =>
        {
            _readingOutput.Wait();
            Append(e.Data);
        };
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Uri BaseAddress { get; }

    /// <summary>Stops reading the process's stdout: once the pipe's buffer is full, its writes wait.</summary>
    public void PauseOutput() => _readingOutput.Reset();

    /// <summary>Reads stdout again after <see cref="PauseOutput"/>.</summary>
    public void ResumeOutput() => _readingOutput.Set();

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The operating system's id of the process, for reading <c>/proc/&lt;pid&gt;</c>.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the service with <paramref name="environment"/> (WAIVERDB_LISTEN is set to a free port).</summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string?> environment, params string[] arguments) =>
        Start(environment, LoopbackPorts.Free(), arguments);

    /// <summary>Kills the process with SIGKILL, as an OOM killer or a node failure would: no shutdown runs.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>A new process with the same settings on the same port (after <see cref="KillAsync"/>).</summary>
    public ServiceProcess StartAgain() => Start(_environment, BaseAddress.Port, _arguments);

    /// <summary>Starts the service on <paramref name="port"/> (for settings that must name its address beforehand).</summary>
    public static ServiceProcess Start(IReadOnlyDictionary<string, string?> environment, int port, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WaiverDb.Service.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        // Only what the test says: no settings leak in from the machine running the tests.
        string[] prefixes = ["SECRET_KEY", "PERMANENT_SESSION_LIFETIME", "WAIVERDB_", "DATABASE_", "DEVELOPMENT", "AUTH_METHOD", "SUPERUSERS", "PERMISSION", "CORS_", "RESULTSDB_", "OIDC_", "LDAP_", "SSL_", "KRB5_KTNAME", "KRB5_CLIENT_KTNAME", "MIGRATE_", "MAX_", "REQUEST_HEADERS_TIMEOUT", "KEEP_ALIVE_TIMEOUT", "MIN_REQUEST_BODY_DATA_RATE", "MESSAGE_", "FEDORA_MESSAGING_CONF", "STOMP_CONFIGS", "LOG_FORMAT", "TRUSTED_PROXIES", "OTEL_"];
        foreach (var key in info.Environment.Keys.Where(k => prefixes.Any(p => k.StartsWith(p, StringComparison.Ordinal))).ToList())
        {
            info.Environment.Remove(key);
        }

        info.Environment["WAIVERDB_LISTEN"] = $"http://127.0.0.1:{port}";
        info.Environment["WAIVERDB_CONFIG"] = EmptySettingsFile.Value;
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the service");
        return new ServiceProcess(process, new Uri($"http://127.0.0.1:{port}"), environment, arguments);
    }

    /// <summary>Waits for the process to exit on its own and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Polls <c>/healthcheck</c> until it answers 200.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the service exited with {_process.ExitCode}: {Output}");
            }

            try
            {
                using var response = await client.GetAsync("/healthcheck");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or too busy starting to answer within the poll's timeout.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"the service did not become healthy: {Output}");
    }

    public async ValueTask DisposeAsync()
    {
        ResumeOutput();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _readingOutput.Dispose();
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
