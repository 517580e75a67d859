using FluentValidation;
using FluentValidation.Results;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Validation;

/// <summary>A legacy <c>subject</c> dictionary must name a subject <see cref="SubjectMapping"/> understands.</summary>
public sealed class LegacySubjectValidator : AbstractValidator<IReadOnlyDictionary<string, string?>>
{
    public const string Unrecognised =
        "Unrecognised subject: expected {\"type\", \"item\"}, {\"original_spec_nvr\"} or {\"productmd.compose.id\"}";

    public LegacySubjectValidator()
    {
        RuleFor(subject => subject).Custom((subject, context) =>
        {
            if (subject.Values.Any(value => value is not null && value.Contains('\0', StringComparison.Ordinal)))
            {
                context.AddFailure(new ValidationFailure(context.PropertyPath, RuleExtensions.NulMessage) { ErrorCode = "string_nul" });
            }
            else if (!SubjectMapping.TryFromLegacySubject(subject, out _, out _))
            {
                context.AddFailure(new ValidationFailure(context.PropertyPath, Unrecognised) { ErrorCode = "value_error" });
            }
        });
    }
}
