using FluentValidation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Validation;

/// <summary>The rules of <c>POST /waivers/+filtered</c>.</summary>
public sealed class FilteredWaiversRequestValidator : AbstractValidator<FilteredWaiversRequest>
{
    /// <summary>Greenwave sends hundreds; this bound keeps one query a sane size.</summary>
    public const int MaxFilters = 2000;

    public FilteredWaiversRequestValidator()
    {
        RuleFor(r => r.Filters).NotNull().WithErrorCode("missing").WithMessage("Field required")
            .Must(f => f is null || f.Count > 0).WithErrorCode("too_short").WithMessage("List should have at least 1 item")
            .Must(f => f is null || f.Count <= MaxFilters).WithErrorCode("too_long")
            .WithMessage($"List should have at most {MaxFilters} items")
            .OverridePropertyName("filters");
        RuleForEach(r => r.Filters).SetValidator(new WaiverFilterValidator()).OverridePropertyName("filters");
    }
}
