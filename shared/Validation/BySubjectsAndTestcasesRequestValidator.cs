using FluentValidation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Validation;

/// <summary>The rules of the deprecated <c>POST /waivers/+by-subjects-and-testcases</c>.</summary>
public sealed class BySubjectsAndTestcasesRequestValidator : AbstractValidator<BySubjectsAndTestcasesRequest>
{
    public BySubjectsAndTestcasesRequestValidator()
        : this(RequestLimits.Default)
    {
    }

    public BySubjectsAndTestcasesRequestValidator(RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var maxFilters = limits.MaxFilters;
        RuleFor(r => r.Results).NotNull().WithErrorCode("missing").WithMessage("Field required")
            .Must(r => r is null || r.Count > 0).WithErrorCode("too_short").WithMessage("List should have at least 1 item")
            .Must(r => r is null || r.Count <= maxFilters).WithErrorCode("too_long")
            .WithMessage($"List should have at most {maxFilters} items (MAX_FILTERS)")
            .OverridePropertyName("results");
        RuleForEach(r => r.Results).ChildRules(result =>
        {
            result.RuleFor(r => r.Subject).NotNull().WithErrorCode("missing").WithMessage("Field required").OverridePropertyName("subject");
            result.RuleFor(r => r.Testcase).Required().MaxChars(FieldLimits.Text).NoNul().OverridePropertyName("testcase");
        }).OverridePropertyName("results");
        RuleFor(r => r.ProductVersion).MaxChars(FieldLimits.ProductVersion).NoNul().OverridePropertyName("product_version");
        RuleFor(r => r.Username).MaxChars(FieldLimits.Username).NoNul().OverridePropertyName("username");
        RuleFor(r => r.ProxiedBy).MaxChars(FieldLimits.ProxiedBy).NoNul().OverridePropertyName("proxied_by");
        RuleFor(r => r.Since).ValidSince().OverridePropertyName("since");
    }
}
