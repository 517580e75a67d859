using System.Globalization;
using System.Text;
using System.Text.Json;
using CsCheck;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// Generators of malformed and hostile requests: JSON written as raw text (so duplicate keys,
/// numbers out of any range, deep nesting and invalid UTF-8 can be sent), hostile strings
/// (NUL, control characters, lone surrogates, bidi and zero-width characters, SQL and
/// script fragments, over-long values) and query strings and headers made of them.
/// </summary>
public static class HostileInput
{
    /// <summary>Strings an attacker or a broken client sends.</summary>
    public static readonly string[] Fragments =
    [
        "", " ", "\0", "a\0b", "\u0001\u0008\u001b[31m\u007f", "\t\r\n", "\ud800", "\udfff", "x\ud83d", "\ufeff", "\u202egnp.exe",
        "\u200b\u200d", "ǅ", "ß", "İ", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "👩‍👩‍👧‍👦", "e\u0301", "\uffff", "\ufffd",
        "'; DROP TABLE waiver; --", "' OR '1'='1", "1; SELECT pg_sleep(10)", "$$; COPY waiver TO '/tmp/x'; $$", "\\x00", "%",
        "_", "*", "[!a]", "<script>alert(1)</script>", "\"><img src=x onerror=alert(1)>", "javascript:alert(1)", "${jndi:ldap://x/a}",
        "{{7*7}}", "../../../../etc/passwd", "%00", "%FF%FE", "NaN", "Infinity", "-0", "1e309", "null", "true", "[]", "{}",
        "koji_build", "brew-build", "bodhi_update", "compose", "fedora-27", "dist.rpmdeplint", "DIST.RPMDEPLINT", "bodhi", "alice",
        "2017-03-16T17:42:04", "2017-03-16T17:42:04,", ",", "9999-12-31T23:59:59.999999", "0001-01-01", "2017-02-30T00:00:00",
    ];

    public static readonly Gen<string> HostileString = Gen.Frequency(
        (6, Gen.OneOf(Fragments)),
        (2, Gen.String),
        (1, Gen.Int[1, 3].Select(Gen.OneOf(Fragments).Array[1, 5], (_, parts) => string.Concat(parts))),
        (1, Gen.OneOf(Gen.Const(255), Gen.Const(256), Gen.Const(8192), Gen.Const(8193), Gen.Int[0, 20_000]).Select(n => new string('w', n))));

    /// <summary>Numbers as JSON text, from the ordinary to the unrepresentable.</summary>
    public static readonly Gen<string> NumberText = Gen.OneOf(
        Gen.Int.Select(i => i.ToString(CultureInfo.InvariantCulture)),
        Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture)),
        Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e999"),
        Gen.OneOf("0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649", "9223372036854775808", "1e309", "-1e309", "1.5", "1E2",
            "0.0000000000000000000001", "123456789012345678901234567890"));

    /// <summary>Any JSON value as text, nested at most <paramref name="depth"/> levels.</summary>
    public static Gen<string> Value(int depth = 3) => depth <= 0
        ? Gen.Frequency((4, HostileString.Select(Quote)), (2, NumberText), (1, Gen.OneOf("true", "false", "null")))
        : Gen.Frequency(
            (4, HostileString.Select(Quote)),
            (2, NumberText),
            (1, Gen.OneOf("true", "false", "null")),
            (1, Value(depth - 1).Array[0, 4].Select(items => "[" + string.Join(',', items) + "]")),
            (1, Gen.Select(HostileString, Value(depth - 1)).Array[0, 3].Select(Object)),
            (1, Gen.Int[33, 2000].Select(n => new string('[', n) + new string(']', n))));

    /// <summary>An object from key/value texts, keys in order, duplicates kept.</summary>
    public static string Object(IEnumerable<(string Key, string Value)> members) =>
        "{" + string.Join(',', members.Select(m => Quote(m.Key) + ":" + m.Value)) + "}";

    /// <summary>
    /// A body built from a valid object: fields changed to hostile values, dropped, duplicated,
    /// or joined by unknown ones; sometimes a list of such objects, sometimes no JSON at all.
    /// </summary>
    public static Gen<byte[]> Body(IReadOnlyList<(string Key, string Value)> valid) =>
        Gen.Frequency(
            (6, Mutated(valid).Select(Utf8)),
            (2, Mutated(valid).Array[0, 6].Select(items => Utf8("[" + string.Join(',', items) + "]"))),
            (1, Value().Select(Utf8)),
            (1, Gen.Byte.Array[0, 64].Select(bytes => bytes)),
            (1, Gen.Select(Mutated(valid).Select(Utf8), Gen.Byte, Gen.Int[0, 1000], InvalidUtf8)),
            (1, Mutated(valid).Select(text => Utf8(text[..(text.Length / 2)]))));

    /// <summary>Keys the API knows somewhere, so mutations also try them where they do not belong.</summary>
    public static readonly string[] KnownKeys =
    [
        "subject_type", "subject_identifier", "testcase", "scenario", "product_version", "comment", "waived", "username", "proxied_by",
        "id", "timestamp", "subject", "result_id", "filters", "results", "include_obsolete", "since", "type", "item", "original_spec_nvr",
        "productmd.compose.id", "SUBJECT_TYPE", "__proto__",
    ];

    private static readonly Gen<string> Key = Gen.Frequency((1, HostileString), (1, Gen.OneOf(KnownKeys)));

    /// <summary>The valid object with one to four fields changed, dropped, repeated or joined by others.</summary>
    public static Gen<string> Mutated(IReadOnlyList<(string Key, string Value)> valid) =>
        Gen.Select(Gen.Int[0, valid.Count - 1], Gen.Int[0, 4], Value(), Key, Gen.Int[0, 3])
            .Select((field, how, value, key, repeat) =>
            {
                var members = valid.ToList();
                for (var i = 0; i <= repeat; i++)
                {
                    var at = (field + i) % members.Count;
                    switch (how)
                    {
                        case 0:
                            members[at] = (members[at].Key, value);
                            break;
                        case 1:
                            members.RemoveAt(at);
                            break;
                        case 2:
                            members.Add((members[at].Key, value));
                            break;
                        case 3:
                            members.Add((key, value));
                            break;
                        default:
                            members[at] = (members[at].Key, Quote(key));
                            break;
                    }

                    if (members.Count == 0)
                    {
                        break;
                    }
                }

                return Object(members);
            });

    /// <summary>A query string of known and unknown keys with hostile, percent-encoded values, keys repeated at times.</summary>
    public static Gen<string> Query(IReadOnlyList<string> keys) =>
        Gen.Select(Gen.OneOf([.. keys, "callback", "page", "limit", "x", "subject_type[]"]), HostileString, Gen.Bool)
            .Select((key, value, raw) => key + "=" + (raw ? RawQueryValue(value) : Uri.EscapeDataString(value)))
            .Array[0, 5]
            .Select(pairs => string.Join('&', pairs));

    /// <summary>Header name and value: credentials that are not, and oddities in ordinary headers.</summary>
    public static readonly Gen<(string Name, string Value)> Header = Gen.Select(
        Gen.OneOf("Authorization", "Content-Type", "Accept", "Origin", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Host",
            "Cookie", "X-Request-Id", "Accept-Charset", "Content-Encoding", "Transfer-Encoding", "Expect"),
        Gen.Frequency(
            (3, HostileString),
            (2, Gen.Select(Gen.OneOf("Basic ", "Bearer ", "Negotiate ", "Digest ", ""), HostileString)
                .Select((scheme, value) => scheme + value)),
            (1, HostileString.Select(v => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(v)))),
            (1, Gen.Byte.Array[0, 40].Select(b => "Basic " + Convert.ToBase64String(b)))))
        .Select((name, value) => (name, HeaderSafe(value)));

    /// <summary>The string as a JSON string literal; lone surrogates stay lone (escaped).</summary>
    public static string Quote(string value)
    {
        var text = new StringBuilder("\"");
        foreach (var c in value)
        {
            text.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ when c < 0x20 || char.IsSurrogate(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return text.Append('"').ToString();
    }

    public static string Describe(byte[] body) =>
        Encoding.UTF8.GetString(body) is var text && text.Length > 300 ? text[..300] + $"... ({body.Length} bytes)" : Encoding.UTF8.GetString(body);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    // Inserts a byte that is never valid UTF-8 (0x80-0xFF alone) somewhere into the body.
    private static byte[] InvalidUtf8(byte[] body, byte value, int at)
    {
        var position = body.Length == 0 ? 0 : at % body.Length;
        return [.. body[..position], (byte)(0x80 | value), .. body[position..]];
    }

    // Percent-escapes as a browser would not: raw bytes such as %FF and %00 pass through.
    private static string RawQueryValue(string value) =>
        string.Concat(value.Select(c => c is '&' or '#' or '+' or ' ' or '%' || char.IsControl(c) || c > 0x7e
            ? c > 0xff ? Uri.EscapeDataString(c.ToString()) is var e && e.Length > 0 ? e : "%FF" : $"%{(int)c:X2}"
            : c.ToString()));

    // HttpClient refuses CR and LF (header injection) before the request leaves; the rest is sent as is.
    private static string HeaderSafe(string value) => value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", string.Empty, StringComparison.Ordinal);

    /// <summary>
    /// The JSON inside a JSONP answer (<c>callback({...});</c>): JSONP wraps errors too, so the
    /// page's callback learns of them. Any other answer is returned as it is.
    /// </summary>
    public static string WithoutJsonp(string? mediaType, string text) =>
        mediaType == "application/javascript" && text.IndexOf('(', StringComparison.Ordinal) is > 0 and var open && text.EndsWith(");", StringComparison.Ordinal)
            ? text[(open + 1)..^2]
            : text;

    /// <summary>Whether <paramref name="body"/> is a JSON object with a non-null <c>message</c>.</summary>
    public static bool HasMessage(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("message", out var message)
                && message.ValueKind is JsonValueKind.String or JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
