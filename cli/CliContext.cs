namespace WaiverDb.Cli;

/// <summary>
/// What the tool reads and writes besides its arguments, so tests can run it in-process:
/// output streams, stdin, environment variables, and optionally the HTTP handler to use.
/// </summary>
public sealed record CliContext(
    TextWriter Output,
    TextWriter Error,
    TextReader Input,
    Func<string, string?> Environment,
    Func<HttpMessageHandler>? HttpHandler = null)
{
    public static CliContext FromConsole() =>
        new(Console.Out, Console.Error, Console.In, System.Environment.GetEnvironmentVariable);
}
