using FluentValidation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Validation;

/// <summary>The rules of <c>POST /waivers/+filtered</c>.</summary>
public sealed class FilteredWaiversRequestValidator : AbstractValidator<FilteredWaiversRequest>
{
    /// <summary>The default of <c>MAX_FILTERS</c>.</summary>
    public const int MaxFilters = RequestLimits.DefaultMaxFilters;

    public FilteredWaiversRequestValidator()
        : this(RequestLimits.Default)
    {
    }

    public FilteredWaiversRequestValidator(RequestLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var maxFilters = limits.MaxFilters;
        RuleFor(r => r.Filters).NotNull().WithErrorCode("missing").WithMessage("Field required")
            .Must(f => f is null || f.Count > 0).WithErrorCode("too_short").WithMessage("List should have at least 1 item")
            .Must(f => f is null || f.Count <= maxFilters).WithErrorCode("too_long")
            .WithMessage($"List should have at most {maxFilters} items (MAX_FILTERS)")
            .OverridePropertyName("filters");
        // Only filters that break a rule go through the filter validator, for its messages.
        RuleForEach(r => r.Filters).Where(f => !WaiverFilterValidator.PassesAll(f))
            .SetValidator(new WaiverFilterValidator()).OverridePropertyName("filters");
    }
}
