using System.Text.RegularExpressions;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// A Containerfile read as builders read it: comments dropped, continuation lines joined,
/// split into stages at each FROM. Enough to check it where no container engine runs.
/// </summary>
public sealed partial class Containerfile
{
    private Containerfile(IReadOnlyList<Stage> stages) => Stages = stages;

    public IReadOnlyList<Stage> Stages { get; }

    public Stage Final => Stages[^1];

    public static Containerfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stages = new List<Stage>();
        var logical = string.Empty;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                logical += line[..^1] + " ";
                continue;
            }

            logical += line;
            if (!string.IsNullOrWhiteSpace(logical))
            {
                var match = InstructionPattern().Match(logical.Trim());
                var instruction = new Instruction(match.Groups[1].Value.ToUpperInvariant(), Spaces().Replace(match.Groups[2].Value.Trim(), " "));
                if (instruction.Keyword == "FROM")
                {
                    stages.Add(new Stage(instruction.Arguments, []));
                }
                else if (stages.Count > 0)
                {
                    stages[^1].Instructions.Add(instruction);
                }
            }

            logical = string.Empty;
        }

        return new Containerfile(stages);
    }

    [GeneratedRegex(@"^(\S+)\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex InstructionPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    public sealed record Instruction(string Keyword, string Arguments);

    public sealed record Stage(string From, List<Instruction> Instructions)
    {
        /// <summary>The image, without <c>AS name</c>.</summary>
        public string Image => From.Split(' ')[0];

        public string? Name => From.Split(' ') is [_, var @as, var name] && @as.Equals("AS", StringComparison.OrdinalIgnoreCase) ? name : null;

        public IEnumerable<string> All(string keyword) =>
            Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

        /// <summary><c>ENV</c> values, in the <c>KEY=value</c> form.</summary>
        public IReadOnlyDictionary<string, string> Environment =>
            All("ENV").SelectMany(a => EnvPair().Matches(a)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));

        public IReadOnlyDictionary<string, string> Labels =>
            All("LABEL").SelectMany(a => EnvPair().Matches(a)).ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));
    }

    [GeneratedRegex("""([A-Za-z_][A-Za-z0-9_.\-]*)=("[^"]*"|\S*)""")]
    private static partial Regex EnvPair();
}
