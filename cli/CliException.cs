namespace WaiverDb.Cli;

/// <summary>A failure to report as one line on stderr, with its exit status; its cause is shown with --verbose.</summary>
public sealed class CliException(string message, int exitCode, Exception? innerException = null) : Exception(message, innerException)
{
    public int ExitCode { get; } = exitCode;
}
