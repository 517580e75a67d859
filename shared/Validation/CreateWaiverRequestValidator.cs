using FluentValidation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Contracts.Validation;

/// <summary>The rules of one waiver in <c>POST /waivers/</c>.</summary>
public sealed class CreateWaiverRequestValidator : AbstractValidator<CreateWaiverRequest>
{
    /// <summary>The default of <c>MAX_WAIVERS_PER_REQUEST</c>: the most waivers one list may create (one transaction).</summary>
    public const int MaxListItems = RequestLimits.DefaultMaxWaiversPerRequest;

    public CreateWaiverRequestValidator()
    {
        RuleFor(r => r.ProductVersion).Required().OptionalText(FieldLimits.ProductVersion).OverridePropertyName("product_version");
        RuleFor(r => r.Comment).Required().OptionalText(FieldLimits.Text).OverridePropertyName("comment");
        RuleFor(r => r.Username).OptionalText(FieldLimits.Username).OverridePropertyName("username");
        RuleFor(r => r.Scenario).OptionalText(FieldLimits.Scenario).OverridePropertyName("scenario");
        RuleFor(r => r.SubjectType).OptionalText(FieldLimits.Text).OverridePropertyName("subject_type");
        RuleFor(r => r.SubjectIdentifier).OptionalText(FieldLimits.Text).OverridePropertyName("subject_identifier");
        RuleFor(r => r.Testcase).OptionalText(FieldLimits.Text).OverridePropertyName("testcase");

        When(r => r.ResultId is not null, () =>
        {
            const string WithResultId = "Must not be combined with result_id";
            RuleFor(r => r.ResultId).GreaterThan(0).WithErrorCode("greater_than")
                .WithMessage("Input should be greater than 0").OverridePropertyName("result_id");
            RuleFor(r => r.SubjectType).Absent(WithResultId).OverridePropertyName("subject_type");
            RuleFor(r => r.SubjectIdentifier).Absent(WithResultId).OverridePropertyName("subject_identifier");
            RuleFor(r => r.Subject).Absent(WithResultId).OverridePropertyName("subject");
            RuleFor(r => r.Testcase).Absent(WithResultId).OverridePropertyName("testcase");
            RuleFor(r => r.Scenario).Absent(WithResultId).OverridePropertyName("scenario");
        }).Otherwise(() =>
        {
            RuleFor(r => r.Testcase).Required().OverridePropertyName("testcase");
            When(r => r.Subject is not null, () =>
            {
                const string WithSubject = "Must not be combined with subject";
                RuleFor(r => r.SubjectType).Absent(WithSubject).OverridePropertyName("subject_type");
                RuleFor(r => r.SubjectIdentifier).Absent(WithSubject).OverridePropertyName("subject_identifier");
                RuleFor(r => r.Subject!).SetValidator(new LegacySubjectValidator()).OverridePropertyName("subject");
            }).Otherwise(() =>
            {
                RuleFor(r => r.SubjectType).Required().OverridePropertyName("subject_type");
                RuleFor(r => r.SubjectIdentifier).Required().OverridePropertyName("subject_identifier");
            });
        });
    }
}
