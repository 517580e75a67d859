using System.Net;
using System.Text.Json.Nodes;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>A server without <c>RESULTSDB_API_URL</c> cannot create waivers by <c>result_id</c>.</summary>
public sealed class ResultIdWithoutResultsDbTests : ServiceFixture
{
    [Fact]
    public async Task AResultIdIsABadRequestWhenNoResultsDbIsConfigured()
    {
        var before = await CountWaiversAsync();

        var (status, error) = await PostWaiversAsync(new JsonObject { ["result_id"] = 1, ["product_version"] = "fedora-27", ["comment"] = "ok" });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("RESULTSDB_API_URL", (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal(before, await CountWaiversAsync());
    }
}
