using BenchmarkDotNet.Running;

// `make bench-micro` (or `dotnet run -c Release --project bench/micro -- --filter '*'`):
// what one request costs the service's CPU outside the database, per stage.
BenchmarkSwitcher.FromAssembly(typeof(WaiverDb.Benchmarks.FilteredBenchmarks).Assembly).Run(args);
