using System.Text;
using System.Text.RegularExpressions;

namespace WaiverDb.Service.Auth;

/// <summary>
/// Shell-style patterns as Python's <c>fnmatch.fnmatchcase</c> reads them, so upstream's
/// <c>PERMISSIONS</c> globs match the same test cases: <c>*</c>, <c>?</c>, <c>[seq]</c>
/// and <c>[!seq]</c>; case-sensitive.
/// </summary>
public static class Glob
{
    public static Regex ToRegex(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    break;
                case '?':
                    regex.Append('.');
                    break;
                case '[':
                    var end = ClassEnd(pattern, i);
                    if (end < 0)
                    {
                        regex.Append(@"\[");
                        break;
                    }

                    var body = pattern[(i + 1)..end];
                    var negate = body.StartsWith('!');
                    if (negate)
                    {
                        body = body[1..];
                    }

                    var members = body.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("[", @"\[", StringComparison.Ordinal);

                    // As in fnmatch, only '!' negates: a leading '^' is a member of the class.
                    if (!negate && members.StartsWith('^'))
                    {
                        members = @"\" + members;
                    }

                    regex.Append('[').Append(negate ? "^" : string.Empty).Append(members).Append(']');
                    i = end;
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        regex.Append(@"\z");
        return new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The index of the <c>]</c> closing the class opened at <paramref name="start"/>, or -1.</summary>
    private static int ClassEnd(string pattern, int start)
    {
        var j = start + 1;
        if (j < pattern.Length && pattern[j] == '!')
        {
            j++;
        }

        // A ']' right after '[' or '[!' is a literal member of the class.
        if (j < pattern.Length && pattern[j] == ']')
        {
            j++;
        }

        while (j < pattern.Length && pattern[j] != ']')
        {
            j++;
        }

        return j < pattern.Length ? j : -1;
    }
}
