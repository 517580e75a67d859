using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.Http;
using WaiverDb.Contracts;
using WaiverDb.Contracts.Validation;
using WaiverDb.Contracts.Waivers;
using WaiverDb.Service.Validation;
using WaiverDb.Service.Waivers;

namespace WaiverDb.Benchmarks;

/// <summary>
/// The service's own work in <c>POST /waivers/+filtered</c>, stage by stage, without HTTP
/// and the database: parsing the body, reading and validating its filters, making the
/// query's rows, writing the answer.
/// </summary>
[MemoryDiagnoser]
public class FilteredBenchmarks
{
    private readonly FilteredWaiversRequestValidator _validator = new();
    private readonly DefaultHttpContext _context = new();
    private byte[] _body = [];
    private JsonDocument _document = null!;
    private FilteredWaiversRequest _request = null!;
    private WaiverList _answer = new([]);
    private MemoryStream _output = new();

    [Params(20, 200)]
    public int Filters { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _body = GreenwaveRequests.FilteredBody(Filters);
        _document = JsonDocument.Parse(_body);
        _request = WaiverRequests.ReadFiltered(_document.RootElement, _validator).Request;
        _answer = new WaiverList(GreenwaveRequests.Answer(Filters));
        _output = new MemoryStream(64 * 1024);
    }

    [GlobalCleanup]
    public void Cleanup() => _document.Dispose();

    /// <summary>Parsing, and checking that every key and string is text.</summary>
    [Benchmark]
    public async Task<int> ParseBody()
    {
        _context.Request.Body = new MemoryStream(_body, writable: false);
        var (document, _) = await RequestBody.ReadAsync(_context.Request, CancellationToken.None);
        using var parsed = document!;
        return parsed.RootElement.GetProperty("filters").GetArrayLength();
    }

    /// <summary>Reading the fields of each filter, then the validators.</summary>
    [Benchmark]
    public int ReadFilters() => WaiverRequests.ReadFiltered(_document.RootElement, _validator).Request.Filters!.Count;

    /// <summary>The filters as the query's rows (types normalised, <c>since</c> parsed).</summary>
    [Benchmark]
    public int QueryRows() => _request.Filters!.Select(FilterRow.From).Count();

    /// <summary>The answer as the endpoint writes it.</summary>
    [Benchmark]
    public async Task<long> WriteAnswer()
    {
        _output.Position = 0;
        await JsonSerializer.SerializeAsync(_output, _answer, WaiverDbJsonContext.Default.WaiverList);
        return _output.Position;
    }
}
