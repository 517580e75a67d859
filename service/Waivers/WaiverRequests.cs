using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FluentValidation;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Validation;

namespace WaiverDb.Service.Waivers;

/// <summary>
/// Turns request bodies and query strings into the shared request contracts, then runs the
/// shared validators; every problem found, type or rule, is returned together.
/// </summary>
public static class WaiverRequests
{
    private static readonly string[] FilterKeys =
        ["subject_type", "subject_identifier", "testcase", "scenario", "product_version", "username", "proxied_by", "since"];

    /// <summary>The body of <c>POST /waivers/</c>: one object, or a list of them.</summary>
    public static (IReadOnlyList<CreateWaiverRequest> Items, bool IsList, List<ValidationErrorItem> Errors) ReadCreate(
        JsonElement body, IValidator<CreateWaiverRequest> validator, int maxItems)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var errors = new List<ValidationErrorItem>();
        if (body.ValueKind == JsonValueKind.Array)
        {
            var count = body.GetArrayLength();
            if (count == 0 || count > maxItems)
            {
                errors.Add(new ValidationErrorItem([], $"A list of waivers must hold between 1 and {maxItems} items (MAX_WAIVERS_PER_REQUEST); it holds {count}",
                    count == 0 ? "too_short" : "too_long"));
                return ([], true, errors);
            }

            var items = body.EnumerateArray()
                .Select((item, i) => ReadOne(item, validator, errors, i))
                .ToList();
            return (items, true, errors);
        }

        return ([ReadOne(body, validator, errors)], false, errors);
    }

    private static CreateWaiverRequest ReadOne(JsonElement item, IValidator<CreateWaiverRequest> validator,
        List<ValidationErrorItem> errors, int? index = null)
    {
        var fields = new JsonFields(item, [], index: index);
        var request = new CreateWaiverRequest
        {
            SubjectType = fields.String("subject_type"),
            SubjectIdentifier = fields.String("subject_identifier"),
            Subject = fields.StringMap("subject"),
            Testcase = fields.String("testcase"),
            Scenario = fields.String("scenario"),
            ResultId = fields.Integer("result_id"),
            ProductVersion = fields.String("product_version"),
            Comment = fields.String("comment"),
            Waived = fields.Bool("waived"),
            Username = fields.String("username"),
        };
        AddErrors(errors, fields, request, validator);
        return request;
    }

    /// <summary>The body of <c>POST /waivers/+filtered</c>.</summary>
    public static (FilteredWaiversRequest Request, List<ValidationErrorItem> Errors) ReadFiltered(
        JsonElement body, IValidator<FilteredWaiversRequest> validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var fields = new JsonFields(body, []);
        var filters = fields.List("filters")?.Select((element, i) => ReadFilter(element, fields.Errors, i)).ToList();
        var request = new FilteredWaiversRequest { Filters = filters, IncludeObsolete = fields.Bool("include_obsolete") };
        var errors = new List<ValidationErrorItem>();
        AddErrors(errors, fields, request, validator);
        return (request, errors);
    }

    /// <summary>The body of the deprecated <c>POST /waivers/+by-subjects-and-testcases</c>.</summary>
    public static (BySubjectsAndTestcasesRequest Request, List<ValidationErrorItem> Errors) ReadBySubjectsAndTestcases(
        JsonElement body, IValidator<BySubjectsAndTestcasesRequest> validator)
    {
        ArgumentNullException.ThrowIfNull(validator);
        var fields = new JsonFields(body, []);
        var results = fields.List("results")?.Select((element, i) =>
        {
            var result = new JsonFields(element, fields.Errors, "results", i);
            return new SubjectTestcase { Subject = result.StringMap("subject"), Testcase = result.String("testcase") };
        }).ToList();
        var request = new BySubjectsAndTestcasesRequest
        {
            Results = results,
            ProductVersion = fields.String("product_version"),
            Username = fields.String("username"),
            ProxiedBy = fields.String("proxied_by"),
            Since = fields.String("since"),
            IncludeObsolete = fields.Bool("include_obsolete"),
        };
        var errors = new List<ValidationErrorItem>();
        AddErrors(errors, fields, request, validator);
        return (request, errors);
    }

    /// <summary>The query string of <c>GET /waivers/</c>.</summary>
    public static (WaiverFilter Filter, int Page, int Limit, bool IncludeObsolete, List<ValidationErrorItem> Errors) ReadListQuery(
        IQueryCollection query, IValidator<WaiverFilter> validator, int maxLimit)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(validator);
        var errors = new List<ValidationErrorItem>();

        // As upstream's reqparse: the first value of a repeated argument is the one used, and
        // an empty value (?scenario=) is no filter at all.
        string? Arg(string name) => query.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrEmpty(values[0])
            ? values[0]
            : null;

        var filter = Filter(Arg);
        errors.AddRange(ValidationErrors.From(validator.Validate(filter)));
        var page = ReadInt(Arg("page"), "page", 1, int.MaxValue, 1, errors);
        var limit = ReadInt(Arg("limit"), "limit", 1, maxLimit, 10, errors);
        var includeObsolete = false;
        if (Arg("include_obsolete") is { } text)
        {
            // flask-restful's inputs.boolean: true/false/1/0, any case.
            switch (text.ToLowerInvariant())
            {
                case "true" or "1":
                    includeObsolete = true;
                    break;
                case "false" or "0":
                    break;
                default:
                    errors.Add(new ValidationErrorItem([JsonValue.Create("include_obsolete")],
                        $"Invalid literal for boolean(): {text}", "bool_parsing"));
                    break;
            }
        }

        return (filter, page, limit, includeObsolete, errors);
    }

    private static WaiverFilter ReadFilter(JsonElement element, List<ValidationErrorItem> errors, int index)
    {
        var fields = new JsonFields(element, errors, "filters", index);
        fields.ForbidUnknown(FilterKeys);

        // As upstream, an empty value is no filter on that key.
        return Filter(name => fields.String(name) is { Length: > 0 } value ? value : null);
    }

    /// <summary>A filter of the keys in <see cref="FilterKeys"/>, each read by <paramref name="value"/>: a query string or a JSON object.</summary>
    private static WaiverFilter Filter(Func<string, string?> value) => new()
    {
        SubjectType = value("subject_type"),
        SubjectIdentifier = value("subject_identifier"),
        Testcase = value("testcase"),
        Scenario = value("scenario"),
        ProductVersion = value("product_version"),
        Username = value("username"),
        ProxiedBy = value("proxied_by"),
        Since = value("since"),
    };

    private static int ReadInt(string? text, string name, int min, int max, int fallback, List<ValidationErrorItem> errors)
    {
        if (text is null)
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            errors.Add(new ValidationErrorItem([JsonValue.Create(name)], "Input should be a valid integer", "int_parsing"));
            return fallback;
        }

        if (value < min)
        {
            errors.Add(new ValidationErrorItem([JsonValue.Create(name)], $"Input should be greater than or equal to {min}", "greater_than_equal"));
        }
        else if (value > max)
        {
            errors.Add(new ValidationErrorItem([JsonValue.Create(name)], $"Input should be less than or equal to {max}", "less_than_equal"));
        }

        return value;
    }

    /// <summary>
    /// Adds the type errors <paramref name="fields"/> met, then the validator's rule failures
    /// (located under the same prefix); a value that is not an object has no rules to check.
    /// </summary>
    private static void AddErrors<T>(List<ValidationErrorItem> errors, JsonFields fields, T request, IValidator<T> validator)
    {
        errors.AddRange(fields.Errors);
        if (fields.IsObject && validator.Validate(request) is { IsValid: false } result)
        {
            AddRuleErrors(errors, fields.Errors, ValidationErrors.From(result, fields.Prefix));
        }
    }

    /// <summary>
    /// Adds rule failures, except for fields whose type was already wrong (their rules saw
    /// null) and for "required" fields that a mistyped <c>subject</c> or <c>result_id</c> would have supplied.
    /// </summary>
    private static void AddRuleErrors(List<ValidationErrorItem> errors, IReadOnlyList<ValidationErrorItem> typeErrors,
        IEnumerable<ValidationErrorItem> ruleErrors)
    {
        var mistyped = typeErrors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        bool Covered(ValidationErrorItem e) =>
            mistyped.Any(path => e.Path == path || e.Path.StartsWith(path + ".", StringComparison.Ordinal)
                || path.StartsWith(e.Path + ".", StringComparison.Ordinal))
            || (e.Type == "missing" && SuppliedByMistyped(e.Path, mistyped));
        errors.AddRange(ruleErrors.Where(e => !Covered(e)));
    }

    private static bool SuppliedByMistyped(string path, HashSet<string> mistyped)
    {
        var dot = path.LastIndexOf('.');
        var (parent, field) = dot < 0 ? (string.Empty, path) : (path[..(dot + 1)], path[(dot + 1)..]);
        return field switch
        {
            "subject_type" or "subject_identifier" => mistyped.Contains(parent + "subject") || mistyped.Contains(parent + "result_id"),
            "testcase" => mistyped.Contains(parent + "result_id"),
            _ => false,
        };
    }
}
