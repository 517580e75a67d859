using System.Globalization;
using System.Text;

namespace WaiverDb.Service.Tests.Reliability;

/// <summary>
/// Writes a run's figures into its own section of the markdown file <c>RELIABILITY_REPORT</c>
/// names (docs/reliability.md for <c>make reliability</c> and <c>make soak</c>); other
/// sections are kept. Without the variable nothing is written.
/// </summary>
internal static class ReliabilityReport
{
    public static string? Path => Environment.GetEnvironmentVariable("RELIABILITY_REPORT") is { Length: > 0 } path ? path : null;

    /// <summary>The seconds the run lasts: the variable's value, or <paramref name="ciSeconds"/> for the CI run.</summary>
    public static int Seconds(string variable, int ciSeconds) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
            ? seconds
            : ciSeconds;

    public static string Machine()
    {
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";
        var memory = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        return $"{Environment.ProcessorCount} CPUs ({cpu}), {memory} memory, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }

    /// <summary>Replaces (or appends) the section between <c>&lt;!-- name --&gt;</c> markers.</summary>
    public static void WriteSection(string name, string markdown)
    {
        if (Path is not { } path)
        {
            return;
        }

        var (begin, end) = ($"<!-- {name} -->", $"<!-- /{name} -->");
        var text = File.Exists(path) ? File.ReadAllText(path) : "# Reliability figures\n\nWritten by `make reliability` and `make soak` (tests/WaiverDb.Service.Tests/Reliability).\n";
        var section = new StringBuilder().Append(begin).Append('\n').Append(markdown.TrimEnd()).Append('\n').Append(end).ToString();
        var start = text.IndexOf(begin, StringComparison.Ordinal);
        var stop = text.IndexOf(end, StringComparison.Ordinal);
        text = start >= 0 && stop > start
            ? text[..start] + section + text[(stop + end.Length)..]
            : text.TrimEnd() + "\n\n" + section + "\n";
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        File.WriteAllText(path, text);
    }
}
