// The waiverdb-cli command line tool: its commands arrive with the CLI work; until then it
// only says what it is, so the project, its packaging and its reference to the shared
// contracts are built and checked with the rest of the solution.
using WaiverDb.Contracts;

Console.Out.WriteLine($"waiverdb-cli: the WaiverDB {ApiRoutes.Prefix} command line client (commands not yet available)");
return 2;
