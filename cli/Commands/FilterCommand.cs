using System.CommandLine;
using System.Text.Json;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Cli.Commands;

/// <summary>
/// <c>waiverdb-cli filter</c>: Greenwave's <c>+filtered</c> query, from repeatable
/// <c>--filter key=value,...</c> options or a JSON document on a file or stdin.
/// </summary>
public static class FilterCommand
{
    private static readonly string[] Keys =
        ["subject_type", "subject_identifier", "testcase", "scenario", "product_version", "username", "proxied_by", "since"];

    public static Command Create(CliContext context)
    {
        var filters = new Option<string[]>("--filter", "-f")
        {
            Description = "A filter as key=value pairs separated by commas (repeatable; filters are OR-ed). Keys: " + string.Join(", ", Keys),
        };
        var file = new Option<string?>("--file") { Description = "Read {\"filters\": [...]} (or a list of filters) as JSON from this file; - for stdin" };
        var includeObsolete = new Option<bool>("--include-obsolete") { Description = "Also waivers replaced by newer ones" };
        var command = new Command("filter", """
            Find the waivers matching any of the filters (POST /waivers/+filtered).

            Examples:
              waiverdb-cli filter -f subject_type=koji_build,subject_identifier=gzip-1.9-1.fc28,testcase=dist.rpmlint
              echo '{"filters": [{"testcase": "dist.rpmdeplint"}]}' | waiverdb-cli filter --file - --json
            """)
        {
            filters, file, includeObsolete,
        };
        command.SetAction((parse, ct) => CommandRunner.RunAsync(parse, context, async () =>
        {
            var request = await ReadRequestAsync(parse.GetValue(filters) ?? [], parse.GetValue(file), context);
            if (parse.GetValue(includeObsolete))
            {
                request = request with { IncludeObsolete = true };
            }

            var problems = ValidationErrors.From(new FilteredWaiversRequestValidator().Validate(request)).ToList();
            if (problems.Count > 0)
            {
                throw new CliException("Invalid filters: " + ValidationErrors.Summary(problems), ExitCodes.Usage);
            }

            var (_, client, http) = CommandRunner.Connect(parse, context, ExitCodes.Usage);
            using (http)
            {
                var result = await client.FilterAsync(request, ct);
                await (parse.GetValue(CommonOptions.Json)
                    ? context.Output.WriteLineAsync(JsonSerializer.Serialize(result, WaiverDbJsonContext.Default.WaiverList))
                    : WaiverTable.WriteAsync(context.Output, result.Data));
                return ExitCodes.Ok;
            }
        }));
        return command;
    }

    private static async Task<FilteredWaiversRequest> ReadRequestAsync(string[] specs, string? file, CliContext context)
    {
        if (file is not null)
        {
            if (specs.Length > 0)
            {
                throw new CliException("Give filters with --filter or --file, not both", ExitCodes.Usage);
            }

            string text;
            try
            {
                text = file == "-" ? await context.Input.ReadToEndAsync() : await File.ReadAllTextAsync(file);
            }
            catch (IOException e)
            {
                throw new CliException($"Cannot read {file}: {e.Message}", ExitCodes.Usage);
            }

            try
            {
                using var document = JsonDocument.Parse(text);
                return document.RootElement.ValueKind == JsonValueKind.Array
                    ? new FilteredWaiversRequest { Filters = document.RootElement.Deserialize(WaiverDbJsonContext.Default.IReadOnlyListWaiverFilter) }
                    : document.RootElement.Deserialize(WaiverDbJsonContext.Default.FilteredWaiversRequest) ?? new FilteredWaiversRequest();
            }
            catch (JsonException e)
            {
                throw new CliException($"{(file == "-" ? "stdin" : file)} is not a JSON filter document: {e.Message}", ExitCodes.Usage);
            }
        }

        if (specs.Length == 0)
        {
            throw new CliException("Give at least one --filter key=value,... (or --file)", ExitCodes.Usage);
        }

        return new FilteredWaiversRequest { Filters = [.. specs.Select(ParseSpec)] };
    }

    internal static WaiverFilter ParseSpec(string spec)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || !Keys.Contains(parts[0].Trim()))
            {
                throw new CliException($"Invalid filter '{spec}': expected key=value pairs with keys {string.Join(", ", Keys)}", ExitCodes.Usage);
            }

            values[parts[0].Trim()] = parts[1];
        }

        return new WaiverFilter
        {
            SubjectType = values.GetValueOrDefault("subject_type"),
            SubjectIdentifier = values.GetValueOrDefault("subject_identifier"),
            Testcase = values.GetValueOrDefault("testcase"),
            Scenario = values.GetValueOrDefault("scenario"),
            ProductVersion = values.GetValueOrDefault("product_version"),
            Username = values.GetValueOrDefault("username"),
            ProxiedBy = values.GetValueOrDefault("proxied_by"),
            Since = values.GetValueOrDefault("since"),
        };
    }
}
