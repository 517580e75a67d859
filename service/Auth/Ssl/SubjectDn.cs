using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace WaiverDb.Service.Auth.Ssl;

/// <summary>
/// A certificate subject as an RFC 4514 string (<c>CN=alice,O=Example,C=US</c>: most
/// specific name first, no spaces after commas, special characters backslash-escaped),
/// the form mod_ssl's <c>SSL_CLIENT_S_DN</c> and nginx's <c>$ssl_client_s_dn</c> give
/// upstream deployments.
/// </summary>
public static class SubjectDn
{
    // RFC 4514's short names, plus OpenSSL's emailAddress, as mod_ssl and nginx print it.
    private static readonly Dictionary<string, string> ShortNames = new(StringComparer.Ordinal)
    {
        ["2.5.4.3"] = "CN",
        ["2.5.4.7"] = "L",
        ["2.5.4.8"] = "ST",
        ["2.5.4.10"] = "O",
        ["2.5.4.11"] = "OU",
        ["2.5.4.6"] = "C",
        ["2.5.4.9"] = "STREET",
        ["0.9.2342.19200300.100.1.25"] = "DC",
        ["0.9.2342.19200300.100.1.1"] = "UID",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
    };

    /// <summary>The RFC 4514 form of <paramref name="name"/>, or null when it has a multi-valued RDN (not supported).</summary>
    public static string? Format(X500DistinguishedName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = new List<string>();
        foreach (var rdn in name.EnumerateRelativeDistinguishedNames(reversed: true))
        {
            if (rdn.HasMultipleElements || rdn.GetSingleElementValue() is not { } value)
            {
                return null;
            }

            var oid = rdn.GetSingleElementType().Value!;
            parts.Add($"{(ShortNames.TryGetValue(oid, out var shortName) ? shortName : oid)}={Escape(value)}");
        }

        return string.Join(',', parts);
    }

    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '"' or '+' or ',' or ';' or '<' or '>' or '\\'
                || (i == 0 && c is ' ' or '#')
                || (i == value.Length - 1 && c == ' '))
            {
                escaped.Append('\\').Append(c);
            }
            else if (c == '\0')
            {
                escaped.Append(@"\00");
            }
            else
            {
                escaped.Append(c);
            }
        }

        return escaped.ToString();
    }
}
