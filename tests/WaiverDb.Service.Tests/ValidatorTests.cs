using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using FluentValidation.Results;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Service.Tests;

public sealed class ValidatorTests
{
    private static readonly CreateWaiverRequestValidator Create = new();
    private static readonly FilteredWaiversRequestValidator Filtered = new();
    private static readonly BySubjectsAndTestcasesRequestValidator BySubjects = new();
    private static readonly WaiverFilterValidator Filter = new();

    private static CreateWaiverRequest Valid() => new()
    {
        SubjectType = "koji_build",
        SubjectIdentifier = "glibc-2.26-27.fc27",
        Testcase = "dist.rpmdeplint",
        ProductVersion = "fedora-27",
        Comment = "This is fine",
    };

    /// <summary>Each failure as "property:code", sorted, so a test states the whole outcome.</summary>
    private static string[] Failures(ValidationResult result) =>
        [.. result.Errors.Select(e => $"{e.PropertyName}:{e.ErrorCode}").Order(StringComparer.Ordinal)];

    [Fact]
    public void ACompleteWaiverIsValid()
    {
        Assert.Empty(Failures(Create.Validate(Valid())));
    }

    [Fact]
    public void AnEmptyWaiverNamesEveryRequiredField()
    {
        Assert.Equal(
            ["comment:missing", "product_version:missing", "subject_identifier:missing", "subject_type:missing", "testcase:missing"],
            Failures(Create.Validate(new CreateWaiverRequest())));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void BlankRequiredStringsAreTooShort(string blank)
    {
        Assert.Equal(
            ["comment:string_too_short", "product_version:string_too_short"],
            Failures(Create.Validate(Valid() with { Comment = blank, ProductVersion = blank })));
    }

    [Fact]
    public void ColumnLimitsAreEnforcedAtTheBoundary()
    {
        var atLimit = Valid() with
        {
            Username = new string('u', 255),
            Scenario = new string('s', 255),
            ProductVersion = new string('p', 200),
        };
        Assert.Empty(Failures(Create.Validate(atLimit)));

        var overLimit = Valid() with
        {
            Username = new string('u', 256),
            Scenario = new string('s', 256),
            ProductVersion = new string('p', 201),
        };
        Assert.Equal(
            ["product_version:string_too_long", "scenario:string_too_long", "username:string_too_long"],
            Failures(Create.Validate(overLimit)));
    }

    [Fact]
    public void TextFieldsHaveASaneUpperBound()
    {
        Assert.Equal(["comment:string_too_long"],
            Failures(Create.Validate(Valid() with { Comment = new string('c', FieldLimits.Text + 1) })));
        Assert.Empty(Failures(Create.Validate(Valid() with { Comment = new string('c', FieldLimits.Text) })));
    }

    [Fact]
    public void NulCharactersAreRefusedInEveryStringField()
    {
        var request = Valid() with
        {
            SubjectType = "koji\0build",
            SubjectIdentifier = "nvr\0",
            Testcase = "\0",
            Scenario = "x\0",
            ProductVersion = "f\0",
            Comment = "a\0b",
            Username = "p\0",
        };
        var result = Create.Validate(request);

        Assert.Equal(
            ["comment:string_nul", "product_version:string_nul", "scenario:string_nul", "subject_identifier:string_nul",
             "subject_type:string_nul", "testcase:string_nul", "username:string_nul"],
            Failures(result));
        Assert.All(result.Errors, e => Assert.Equal(RuleExtensions.NulMessage, e.ErrorMessage));
    }

    [Fact]
    public void ResultIdReplacesSubjectAndTestcase()
    {
        var request = new CreateWaiverRequest { ResultId = 42, ProductVersion = "fedora-27", Comment = "ok" };

        Assert.Empty(Failures(Create.Validate(request)));
    }

    [Fact]
    public void ResultIdMustNotBeCombinedWithSubjectTestcaseOrScenario()
    {
        var request = Valid() with { ResultId = 42, Scenario = "x86_64", Subject = new Dictionary<string, string?> { ["type"] = "a", ["item"] = "b" } };
        var result = Create.Validate(request);

        Assert.Equal(
            ["scenario:value_error", "subject:value_error", "subject_identifier:value_error", "subject_type:value_error", "testcase:value_error"],
            Failures(result));
        Assert.All(result.Errors, e => Assert.Equal("Must not be combined with result_id", e.ErrorMessage));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void ResultIdMustBePositive(long resultId)
    {
        var result = Create.Validate(new CreateWaiverRequest { ResultId = resultId, ProductVersion = "f", Comment = "c" });

        var failure = Assert.Single(result.Errors);
        Assert.Equal(("result_id", "greater_than", "Input should be greater than 0"), (failure.PropertyName, failure.ErrorCode, failure.ErrorMessage));
    }

    [Fact]
    public void ALegacySubjectReplacesSubjectTypeAndIdentifier()
    {
        var request = Valid() with
        {
            SubjectType = null,
            SubjectIdentifier = null,
            Subject = new Dictionary<string, string?> { ["productmd.compose.id"] = "Fedora-27-20171110.n.1" },
        };

        Assert.Empty(Failures(Create.Validate(request)));
    }

    [Fact]
    public void ALegacySubjectMustNotBeCombinedWithSubjectTypeOrIdentifier()
    {
        var request = Valid() with { Subject = new Dictionary<string, string?> { ["type"] = "koji_build", ["item"] = "nvr" } };
        var result = Create.Validate(request);

        Assert.Equal(["subject_identifier:value_error", "subject_type:value_error"], Failures(result));
        Assert.All(result.Errors, e => Assert.Equal("Must not be combined with subject", e.ErrorMessage));
    }

    [Theory]
    [InlineData("foo", "bar")]
    [InlineData("type", "koji_build")]
    [InlineData("item", "nvr")]
    [InlineData("original_spec_nvr", "")]
    public void AnUnrecognisedLegacySubjectIsRefused(string key, string value)
    {
        var request = Valid() with { SubjectType = null, SubjectIdentifier = null, Subject = new Dictionary<string, string?> { [key] = value } };
        var failure = Assert.Single(Create.Validate(request).Errors);

        Assert.Equal(("subject", "value_error", LegacySubjectValidator.Unrecognised), (failure.PropertyName, failure.ErrorCode, failure.ErrorMessage));
    }

    [Fact]
    public void ALegacySubjectWithANulCharacterIsRefused()
    {
        var request = Valid() with
        {
            SubjectType = null,
            SubjectIdentifier = null,
            Subject = new Dictionary<string, string?> { ["type"] = "koji_build", ["item"] = "n\0vr" },
        };
        var failure = Assert.Single(Create.Validate(request).Errors);

        Assert.Equal(("subject", "string_nul"), (failure.PropertyName, failure.ErrorCode));
    }

    [Fact]
    public void AFilterWithABadSinceNamesTheBadPart()
    {
        var failure = Assert.Single(Filter.Validate(new WaiverFilter { Since = "2020-01-01,yesterday" }).Errors);

        Assert.Equal(("since", "Invalid isoformat string: 'yesterday'"), (failure.PropertyName, failure.ErrorMessage));
    }

    [Fact]
    public void ASinceWithNonAsciiDigitsIsAValidationErrorNotACrash()
    {
        var failure = Assert.Single(Filter.Validate(new WaiverFilter { Since = "٢٠٢٠-01-01" }).Errors);

        Assert.Equal(("since", "Invalid isoformat string: '٢٠٢٠-01-01'"), (failure.PropertyName, failure.ErrorMessage));
    }

    [Fact]
    public void AFilterChecksColumnLimitsAndNul()
    {
        var filter = new WaiverFilter { ProductVersion = new string('p', 201), Username = "a\0", Scenario = new string('s', 255) };

        Assert.Equal(["product_version:string_too_long", "username:string_nul"], Failures(Filter.Validate(filter)));
    }

    [Fact]
    public void FilteredRequestsNeedANonEmptyBoundedListOfFilters()
    {
        Assert.Equal(["filters:missing"], Failures(Filtered.Validate(new FilteredWaiversRequest())));
        Assert.Equal(["filters:too_short"], Failures(Filtered.Validate(new FilteredWaiversRequest { Filters = [] })));
        Assert.Equal(["filters:too_long"], Failures(Filtered.Validate(new FilteredWaiversRequest
        {
            Filters = [.. Enumerable.Repeat(new WaiverFilter(), FilteredWaiversRequestValidator.MaxFilters + 1)],
        })));
        Assert.Empty(Failures(Filtered.Validate(new FilteredWaiversRequest
        {
            Filters = [.. Enumerable.Repeat(new WaiverFilter(), FilteredWaiversRequestValidator.MaxFilters)],
        })));
    }

    [Fact]
    public void AnInvalidFilterIsLocatedByItsIndex()
    {
        var request = new FilteredWaiversRequest { Filters = [new WaiverFilter(), new WaiverFilter { Since = "x" }] };
        var result = Filtered.Validate(request);

        var item = Assert.Single(ValidationErrors.From(result));
        AssertJson("""{"loc":["filters",1,"since"],"msg":"Invalid isoformat string: 'x'","type":"datetime_from_date_parsing"}""", item);
    }

    [Fact]
    public void PassesAllAgreesWithTheFilterValidator()
    {
        // Lengths either side of each column's limit, NUL, and since values that do and do not parse.
        var text = Gen.Frequency(
            (3, Gen.Const((string?)null)),
            (2, Gen.Int[0, 260].Select(n => (string?)new string('x', n))),
            (1, Gen.OneOf<string?>("a\0", "\0", "", " ")));
        var since = Gen.OneOf<string?>(null, "2020-01-01", "2020-01-01T10:00:00,2021-01-01", "yesterday", "2020-01-01,", "x,2020-01-01", "");
        var filter = Gen.Select(text, text, text, text, text, text, text, since, (a, b, c, d, e, f, g, h) => new WaiverFilter
        {
            SubjectType = a, SubjectIdentifier = b, Testcase = c, Scenario = d, ProductVersion = e, Username = f, ProxiedBy = g, Since = h,
        });

        filter.Sample(f => WaiverFilterValidator.PassesAll(f) == Filter.Validate(f).IsValid, iter: 20_000);
    }

    [Fact]
    public void OnlyInvalidFiltersAreReportedAmongManyValidOnes()
    {
        var filters = Enumerable.Range(0, 200).Select(i => new WaiverFilter { SubjectIdentifier = $"pkg{i}", Testcase = "t" }).ToList();
        filters[7] = filters[7] with { Since = "nope" };
        filters[150] = filters[150] with { Scenario = "s\0" };

        Assert.Equal(["filters[150].scenario:string_nul", "filters[7].since:datetime_from_date_parsing"],
            Failures(Filtered.Validate(new FilteredWaiversRequest { Filters = filters })));
    }

    [Fact]
    public void BySubjectsAndTestcasesNeedsSubjectAndTestcaseInEachResult()
    {
        var request = new BySubjectsAndTestcasesRequest
        {
            Results =
            [
                new SubjectTestcase { Subject = new Dictionary<string, string?> { ["type"] = "a", ["item"] = "b" }, Testcase = "t" },
                new SubjectTestcase(),
            ],
        };

        Assert.Equal(["results[1].subject:missing", "results[1].testcase:missing"], Failures(BySubjects.Validate(request)));
        Assert.Equal(["results:too_short"], Failures(BySubjects.Validate(new BySubjectsAndTestcasesRequest { Results = [] })));
        Assert.Equal(["results:missing"], Failures(BySubjects.Validate(new BySubjectsAndTestcasesRequest())));
    }

    [Fact]
    public void BySubjectsAndTestcasesChecksItsFilters()
    {
        var request = new BySubjectsAndTestcasesRequest
        {
            Results = [new SubjectTestcase { Subject = new Dictionary<string, string?>(), Testcase = "t" }],
            ProxiedBy = new string('p', 256),
            Since = "2020-02-30",
        };

        Assert.Equal(["proxied_by:string_too_long", "since:datetime_from_date_parsing"], Failures(BySubjects.Validate(request)));
    }

    [Fact]
    public void LocationsSplitNamesAndIndexes()
    {
        Assert.Equal("""["filters",2,"since"]""", new JsonArray([.. ValidationErrors.Loc("filters[2].since")]).ToJsonString());
        Assert.Equal("""[0,"comment"]""", new JsonArray([.. ValidationErrors.Loc("[0].comment")]).ToJsonString());
        Assert.Equal("[]", new JsonArray([.. ValidationErrors.Loc(string.Empty)]).ToJsonString());
    }

    [Fact]
    public void ThePrefixOfAListItemComesFirstInEachLocation()
    {
        var result = Create.Validate(Valid() with { Comment = null });

        var item = Assert.Single(ValidationErrors.From(result, JsonValue.Create(3)));
        AssertJson("""{"loc":[3,"comment"],"msg":"Field required","type":"missing"}""", item);
        Assert.Equal("3.comment", item.Path);
    }

    [Fact]
    public void TheSummaryNamesEveryField()
    {
        var errors = ValidationErrors.From(Create.Validate(new CreateWaiverRequest
        {
            SubjectType = "koji_build",
            SubjectIdentifier = "nvr",
            Testcase = "t",
        })).ToList();

        Assert.Equal("product_version: Field required; comment: Field required", ValidationErrors.Summary(errors));
    }

    private static void AssertJson(string expected, ValidationErrorItem item)
    {
        var actual = JsonSerializer.SerializeToNode(item, WaiverDbJsonContext.Default.ValidationErrorItem);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), actual?.ToJsonString());
    }
}
