using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using WaiverDb.Cli.Commands;

namespace WaiverDb.Cli;

/// <summary>The command tree of waiverdb-cli and its invocation.</summary>
public static class WaiverDbCli
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("""
            waiverdb-cli: create, list and query WaiverDB waivers.

            Without a subcommand it creates waivers with upstream waiverdb-cli's options, e.g.
              waiverdb-cli -t dist.rpmdeplint -i qclib-1.3.1-3.fc28 -T koji_build -p fedora-28 -c "This is expected"

            Exit status: 0 ok, 1 refused by the server (or an upstream-form check failed),
            2 wrong options or configuration, 3 server unreachable, failing or credentials refused.
            """);
        CommonOptions.AddTo(root);

        // The default prints the entry assembly's version, which is not this tool's when it is hosted.
        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion(context);
        CreateCommand.AttachUpstreamForm(root, context);
        root.Subcommands.Add(CreateCommand.Create(context));
        root.Subcommands.Add(ListCommand.Create(context));
        root.Subcommands.Add(GetCommand.Create(context));
        root.Subcommands.Add(FilterCommand.Create(context));
        root.Subcommands.Add(AboutCommand.Create(context));
        root.Subcommands.Add(PermissionsCommand.Create(context));
        root.Subcommands.Add(AdminCommand.Create(context));
        return root;
    }

    /// <summary>The tool's version and git commit, e.g. <c>1.0.0+3f2c1ab</c>.</summary>
    public static string Version =>
        typeof(WaiverDbCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var parse = Build(context).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Usage errors exit 2, as click's did, with a pointer to the help.
            foreach (var error in parse.Errors)
            {
                await context.Error.WriteLineAsync("Error: " + error.Message);
            }

            await context.Error.WriteLineAsync("Try 'waiverdb-cli --help' for help.");
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error }, ct);
    }
}

internal sealed class PrintVersion(CliContext context) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        context.Output.WriteLine(WaiverDbCli.Version);
        return ExitCodes.Ok;
    }
}
