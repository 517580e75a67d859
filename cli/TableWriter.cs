namespace WaiverDb.Cli;

/// <summary>Plain aligned columns for people at a terminal; scripts use --json.</summary>
public static class TableWriter
{
    public static async Task WriteAsync(TextWriter output, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(headers);
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        string Line(IReadOnlyList<string> cells) =>
            string.Join("  ", cells.Select((c, i) => i == cells.Count - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

        await output.WriteLineAsync(Line(headers));
        foreach (var row in all)
        {
            await output.WriteLineAsync(Line(row));
        }
    }
}
