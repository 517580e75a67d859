using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace WaiverDb.Service.Web;

/// <summary>Markup that is already safe: only <see cref="Html"/> makes it, so every other value is encoded.</summary>
public sealed class HtmlContent
{
    internal HtmlContent(string value) => Value = value;

    public static HtmlContent Empty { get; } = new(string.Empty);

    public string Value { get; }

    public override string ToString() => Value;
}

/// <summary>
/// The pages' one way to make markup: in <c>Html.Of($"&lt;td&gt;{value}&lt;/td&gt;")</c> the literal
/// parts are markup and every hole is HTML-encoded, unless it is <see cref="HtmlContent"/> made here.
/// A user's or the server's text can therefore never become markup by mistake.
/// </summary>
public static class Html
{
    public static HtmlContent Of(ref HtmlHandler handler) => new(handler.ToStringAndClear());

    public static HtmlContent Join(IEnumerable<HtmlContent> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary>Markup from a constant (no values in it).</summary>
    public static HtmlContent Raw(string constantMarkup) => new(constantMarkup);
}

[InterpolatedStringHandler]
public ref struct HtmlHandler
{
    private readonly StringBuilder _builder;

    public HtmlHandler(int literalLength, int formattedCount) => _builder = new StringBuilder(literalLength + (formattedCount * 16));

    public readonly void AppendLiteral(string markup) => _builder.Append(markup);

    public readonly void AppendFormatted(HtmlContent? markup) => _builder.Append(markup?.Value);

    public readonly void AppendFormatted<T>(T value) =>
        _builder.Append(HtmlEncoder.Default.Encode(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty));

    public readonly string ToStringAndClear() => _builder.ToString();
}
