using System.Text.RegularExpressions;

namespace WaiverDb.Cli;

/// <summary>
/// Guesses the product version from a subject identifier when --product-version is not
/// given, exactly as upstream's CLI does: the NVR release of a Koji build (<c>fc28</c> →
/// <c>fedora-28</c>, <c>el8</c> → <c>rhel-8</c>, <c>epel8</c> → <c>epel-8</c>) or a compose id
/// (<c>Fedora-28-…</c> → <c>fedora-28</c>; <c>rawhide</c>, <c>Fedora-Rawhide-…</c> → <c>fedora-rawhide</c>).
/// </summary>
public static partial class ProductVersionGuess
{
    public static string? ForSubject(string subjectType, string subjectIdentifier)
    {
        ArgumentNullException.ThrowIfNull(subjectType);
        ArgumentNullException.ThrowIfNull(subjectIdentifier);
        return subjectType switch
        {
            "koji_build" => Guess(subjectIdentifier.Split('.')[^1], kojiBuild: true),
            "compose" => Guess(subjectIdentifier, kojiBuild: false),
            _ => null,
        };
    }

    public static string? Guess(string text, bool kojiBuild)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "rawhide" || text.StartsWith("Fedora-Rawhide", StringComparison.Ordinal))
        {
            return "fedora-rawhide";
        }

        string? prefix = null;
        if (text.StartsWith('f') && kojiBuild)
        {
            prefix = "fedora-";
        }
        else if (text.StartsWith("epel", StringComparison.Ordinal))
        {
            prefix = "epel-";
        }
        else if (text.StartsWith("el", StringComparison.Ordinal))
        {
            prefix = "rhel-";
        }
        else if (text.StartsWith("fc", StringComparison.Ordinal) || text.StartsWith("Fedora", StringComparison.Ordinal))
        {
            prefix = "fedora-";
        }

        if (prefix is null)
        {
            return null;
        }

        // Upstream splits the text around its digit runs and on '-', and wants the second
        // piece to be the number: "fc28" → ["fc", "28"], "Fedora-28-2018" → ["Fedora", "28", ...].
        var pieces = string.Join('-', Digits().Split(text)).Split('-', StringSplitOptions.RemoveEmptyEntries);
        return pieces.Length >= 2 && pieces[1].All(char.IsAsciiDigit) ? prefix + pieces[1] : null;
    }

    [GeneratedRegex(@"(\d+)")]
    private static partial Regex Digits();
}
