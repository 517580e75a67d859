using System.Text;

namespace WaiverDb.Cli.Tests;

/// <summary>The outcome of one waiverdb-cli invocation.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error);

/// <summary>
/// Runs waiverdb-cli in-process with real argument strings, a client.conf of the test's
/// own and no environment but what the test gives, capturing stdout and stderr.
/// </summary>
public sealed class CliHarness : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "waiverdb-cli-test-" + Guid.NewGuid().ToString("N")[..12]);

    public CliHarness()
    {
        Directory.CreateDirectory(_directory);
        Environment = new Dictionary<string, string?> { ["HOME"] = _directory };
    }

    /// <summary>Environment variables the tool sees (HOME is the harness's folder, so no user config leaks in).</summary>
    public Dictionary<string, string?> Environment { get; }

    /// <summary>The HTTP handler the tool uses for every request (default: its own), e.g. to trust a test server's certificate.</summary>
    public Func<HttpMessageHandler>? HttpHandler { get; set; }

    /// <summary>Writes a client.conf and returns its path.</summary>
    public string Config(string contents, string name = "client.conf")
    {
        var path = Path.Combine(_directory, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, contents);
        return path;
    }

    /// <summary>A dummy-auth client.conf pointing at <paramref name="apiUrl"/>.</summary>
    public string DummyConfig(string apiUrl, string? dummyUser = null) =>
        Config($"""
            [waiverdb]
            api_url = {apiUrl}
            auth_method = dummy
            {(dummyUser is null ? string.Empty : "dummy_user = " + dummyUser)}
            """);

    public async Task<CliRun> RunAsync(string commandLine, string stdin = "")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        var context = new CliContext(output, error, input, key => Environment.GetValueOrDefault(key), HttpHandler);
        var exit = await WaiverDbCli.RunAsync(Split(commandLine), context);
        return new CliRun(exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Splits like a POSIX shell for the quoting the tests use ("..." and '...').</summary>
    public static string[] Split(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var args = new List<string>();
        var current = new StringBuilder();
        char? quote = null;
        var inArgument = false;
        foreach (var c in commandLine)
        {
            if (quote is not null)
            {
                if (c == quote)
                {
                    quote = null;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inArgument = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    args.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }
            }
            else
            {
                current.Append(c);
                inArgument = true;
            }
        }

        if (inArgument)
        {
            args.Add(current.ToString());
        }

        return [.. args];
    }
}
