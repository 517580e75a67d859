using FluentValidation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Validation;

/// <summary>The rules of the waiver filters of <c>GET /waivers/</c> and <c>+filtered</c>.</summary>
public sealed class WaiverFilterValidator : AbstractValidator<WaiverFilter>
{
    public WaiverFilterValidator()
    {
        RuleFor(f => f.SubjectType).MaxChars(FieldLimits.Text).NoNul().OverridePropertyName("subject_type");
        RuleFor(f => f.SubjectIdentifier).MaxChars(FieldLimits.Text).NoNul().OverridePropertyName("subject_identifier");
        RuleFor(f => f.Testcase).MaxChars(FieldLimits.Text).NoNul().OverridePropertyName("testcase");
        RuleFor(f => f.Scenario).MaxChars(FieldLimits.Scenario).NoNul().OverridePropertyName("scenario");
        RuleFor(f => f.ProductVersion).MaxChars(FieldLimits.ProductVersion).NoNul().OverridePropertyName("product_version");
        RuleFor(f => f.Username).MaxChars(FieldLimits.Username).NoNul().OverridePropertyName("username");
        RuleFor(f => f.ProxiedBy).MaxChars(FieldLimits.ProxiedBy).NoNul().OverridePropertyName("proxied_by");
        RuleFor(f => f.Since).ValidSince().OverridePropertyName("since");
    }
}

/// <summary>The <c>since</c> rule, with upstream's message naming the part that did not parse.</summary>
public static class SinceRule
{
    public static IRuleBuilderOptions<T, string?> ValidSince<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(since => since is null || SinceParser.TryParse(since, out _, out _))
            .WithErrorCode("datetime_from_date_parsing")
            .WithMessage((_, since) => SinceParser.TryParse(since!, out SinceRange _, out var bad) ? string.Empty : Message(bad));

    public static string Message(string badPart) => $"Invalid isoformat string: '{badPart}'";
}
