namespace WaiverDb.Cli;

/// <summary>A failure to report as one line on stderr, with its exit status.</summary>
public sealed class CliException(string message, int exitCode) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
