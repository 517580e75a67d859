using WaiverDb.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await WaiverDbCli.RunAsync(args, CliContext.FromConsole(), cancel.Token);
