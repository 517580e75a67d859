using System.CommandLine;
using System.Text.Json;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Cli.Commands;

/// <summary>
/// Creates waivers: <c>waiverdb-cli create ...</c>, and the upstream form without a
/// subcommand, which keeps upstream's options, checks, messages and exit status (1).
/// </summary>
public sealed class CreateCommand
{
    public const string Examples = """
        Examples:
          waiverdb-cli create -t dist.rpmdeplint -i qclib-1.3.1-3.fc28 -T koji_build -p fedora-28 -c "This is expected for non-x86 packages"
          waiverdb-cli create -r 47 -r 48 -p fedora-28 -c "This is fine"
          waiverdb-cli create -t dist.abicheck -i gzip-1.9-1.fc28 -T koji_build -c "ABI change is intended" -u packager   (as a superuser, for packager)
        """;

    private static readonly CreateWaiverRequestValidator Validator = new();

    private readonly Option<long[]> _resultIds = new("--result-id", "-r") { Description = "A ResultsDB result to waive (repeatable; legacy)" };
    private readonly Option<string?> _subject = new("--subject", "-s") { Description = "Deprecated: the subject as JSON; use --subject-identifier and --subject-type" };
    private readonly Option<string?> _subjectIdentifier = new("--subject-identifier", "-i") { Description = "Subject identifier of the result to waive, e.g. an NVR" };
    private readonly Option<string?> _subjectType = new("--subject-type", "-T") { Description = "Subject type of the result to waive, e.g. koji_build" };
    private readonly Option<string?> _testcase = new("--testcase", "-t") { Description = "The test case to waive" };
    private readonly Option<string?> _scenario = new("--scenario", "-S") { Description = "The test scenario, if the result has one" };
    private readonly Option<string?> _productVersion = new("--product-version", "-p") { Description = "Product version, e.g. fedora-28 (guessed from the subject when left out)" };
    private readonly Option<bool> _waived = new("--waived") { Description = "Waive the result (the default)" };
    private readonly Option<bool> _notWaived = new("--no-waived") { Description = "Record that the result is NOT waived (revokes an earlier waiver)" };
    private readonly Option<string?> _comment = new("--comment", "-c") { Description = "Why the result is waived (required)" };
    private readonly Option<string?> _username = new("--username", "-u") { Description = "The user on whose behalf a superuser creates the waiver (proxying)" };

    private CreateCommand()
    {
    }

    /// <summary>The <c>create</c> subcommand.</summary>
    public static Command Create(CliContext context)
    {
        var command = new Command("create", "Create waivers for test results.\n\n" + Examples);
        new CreateCommand().Attach(command, context, upstreamForm: false);
        return command;
    }

    /// <summary>Gives the root command upstream's options and behaviour.</summary>
    public static void AttachUpstreamForm(RootCommand root, CliContext context) =>
        new CreateCommand().Attach(root, context, upstreamForm: true);

    private void Attach(Command command, CliContext context, bool upstreamForm)
    {
        foreach (var option in new Option[] { _resultIds, _subject, _subjectIdentifier, _subjectType, _testcase, _scenario, _productVersion, _waived, _notWaived, _comment, _username })
        {
            command.Options.Add(option);
        }

        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, () => RunAsync(parse, context, upstreamForm, ct)));
    }

    private async Task<int> RunAsync(ParseResult parse, CliContext context, bool upstreamForm, CancellationToken ct)
    {
        // Upstream's click reported every problem with exit status 1; the subcommands use 2 for usage errors.
        var usage = upstreamForm ? ExitCodes.Refused : ExitCodes.Usage;
        var (config, client, http) = CommandRunner.Connect(parse, context, usage);
        using (http)
        {
            var requests = BuildRequests(parse, usage);
            var created = await CreateAsync(client, config, requests, ct);
            if (parse.GetValue(CommonOptions.Json))
            {
                await context.Output.WriteLineAsync(JsonSerializer.Serialize(created, WaiverDbJsonContext.Default.IReadOnlyListWaiver));
                return ExitCodes.Ok;
            }

            var resultIds = parse.GetValue(_resultIds) ?? [];
            for (var i = 0; i < created.Count; i++)
            {
                var waiver = created[i];
                var what = resultIds.Length > 0
                    ? $"id {resultIds[i]}"
                    : $"subject type {waiver.SubjectType}, identifier {waiver.SubjectIdentifier} and testcase {waiver.Testcase}";
                await context.Output.WriteLineAsync($"Created waiver {waiver.Id} for result with {what}");
            }

            return ExitCodes.Ok;
        }
    }

    /// <summary>Upstream's checks, in its order and words, then the shared validator.</summary>
    private List<CreateWaiverRequest> BuildRequests(ParseResult parse, int usage)
    {
        CliException Problem(string message) => new(message, usage);

        var resultIds = parse.GetValue(_resultIds) ?? [];
        var identifier = parse.GetValue(_subjectIdentifier);
        var type = parse.GetValue(_subjectType);
        var testcase = parse.GetValue(_testcase);
        var scenario = parse.GetValue(_scenario);
        var comment = parse.GetValue(_comment);
        var productVersion = parse.GetValue(_productVersion);

        if (parse.GetValue(_subject) is { } subjectJson)
        {
            var subject = ParseSubject(subjectJson, usage);
            if (identifier is not null || type is not null)
            {
                throw Problem("Please don't specify subject when using identifier and type.");
            }

            if (resultIds.Length > 0)
            {
                throw Problem("Please specify result_id or subject/testcase. Not both");
            }

            if (subject.GetValueOrDefault("productmd.compose.id") is { Length: > 0 } compose)
            {
                (identifier, type) = (compose, "compose");
            }
            else
            {
                (identifier, type) = (subject.GetValueOrDefault("item"), subject.GetValueOrDefault("type"));
            }
        }

        if (string.IsNullOrEmpty(comment))
        {
            throw Problem("Please specify comment");
        }

        if (resultIds.Length > 0 && (testcase is not null || identifier is not null || scenario is not null))
        {
            throw Problem("Please specify result_id or id/type/testcase. Not both");
        }

        if (resultIds.Length == 0)
        {
            if (string.IsNullOrEmpty(identifier))
            {
                throw Problem("Please specify subject-identifier");
            }

            if (string.IsNullOrEmpty(testcase))
            {
                throw Problem("Please specify testcase");
            }

            if (string.IsNullOrEmpty(type))
            {
                throw Problem("Please specify subject_type");
            }

            productVersion ??= ProductVersionGuess.ForSubject(type, identifier);
        }

        if (string.IsNullOrEmpty(productVersion))
        {
            throw Problem("Please specify product version using --product-version");
        }

        var waived = !parse.GetValue(_notWaived);
        var username = parse.GetValue(_username);
        List<CreateWaiverRequest> requests = resultIds.Length == 0
            ? [new CreateWaiverRequest
            {
                SubjectType = type, SubjectIdentifier = identifier, Testcase = testcase, Scenario = scenario,
                ProductVersion = productVersion, Comment = comment, Waived = waived, Username = username,
            }]
            : [.. resultIds.Select(id => new CreateWaiverRequest
            {
                ResultId = id, ProductVersion = productVersion, Comment = comment, Waived = waived, Username = username,
            })];

        // The service's own rules, so nothing that it would refuse is sent.
        var problems = requests.SelectMany(r => ValidationErrors.From(Validator.Validate(r))).ToList();
        if (problems.Count > 0)
        {
            throw Problem("Invalid waiver: " + ValidationErrors.Summary(problems));
        }

        return requests;
    }

    private static async Task<IReadOnlyList<Waiver>> CreateAsync(WaiverDbClient client, ClientConfig config, List<CreateWaiverRequest> requests, CancellationToken ct)
    {
        try
        {
            return await client.CreateAsync(requests, "Failed to create waivers", ct);
        }
        catch (CliException e) when (config.AuthMethod == "Kerberos" && e.Data["status"] is 401)
        {
            throw new CliException(e.Message + " — " + ClientAuthentication.KerberosHint, e.ExitCode);
        }
    }

    private static Dictionary<string, string?> ParseSubject(string json, int usage)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CliException($"Invalid JSON object: {e.Message}", usage);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new CliException("Failed to parse JSON. Please use id and type instead of using subject.", usage);
            }

            return document.RootElement.EnumerateObject().ToDictionary(
                p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText());
        }
    }
}
