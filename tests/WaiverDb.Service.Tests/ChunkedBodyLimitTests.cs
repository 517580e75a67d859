using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;
using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Service.Tests;

/// <summary>
/// MAX_CONTENT_LENGTH for chunked bodies (no Content-Length to check up front) on the real
/// Kestrel: a body of exactly the limit is read, one byte more is the JSON 413 naming the
/// setting, and nothing of it is stored.
/// </summary>
public sealed class ChunkedBodyLimitTests : ServiceProcessFixture
{
    private const int MaxContentLength = 65536;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["MAX_CONTENT_LENGTH"] = MaxContentLength.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>A waiver whose JSON is exactly <paramref name="size"/> bytes: padded with white space, which JSON allows.</summary>
    private static byte[] WaiverOfSize(int size)
    {
        var waiver = new JsonObject
        {
            ["subject_type"] = "koji_build", ["subject_identifier"] = "chunked-1.0-1.fc40", ["testcase"] = "dist.rpmdeplint",
            ["product_version"] = "fedora-40", ["comment"] = "sent chunked",
        }.ToJsonString();
        return Encoding.UTF8.GetBytes(waiver.PadRight(size));
    }

    /// <summary>Posts <paramref name="body"/> chunked, <paramref name="chunkSize"/> bytes a chunk: the status and the JSON answer.</summary>
    private async Task<(HttpStatusCode Status, JsonNode Body)> PostChunkedAsync(byte[] body, int chunkSize)
    {
        using var client = new HttpClient { BaseAddress = Service.BaseAddress };
        client.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String("alice:x"u8.ToArray()));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1.0/waivers/") { Content = new ChunkedContent(body, chunkSize) };
        request.Content.Headers.ContentType = new("application/json");
        using var response = await client.SendAsync(request);
        Assert.True(request.Headers.TransferEncodingChunked);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    private async Task<long> CountWaiversAsync()
    {
        await using var db = new NpgsqlConnection(Postgres.ConnectionString(DatabaseName));
        return await db.ExecuteScalarAsync<long>("SELECT count(*) FROM waiver");
    }

    // Kestrel counts the chunks' framing (sizes, CRLFs) towards its own MaxRequestBodySize;
    // MAX_CONTENT_LENGTH counts the body's bytes, however it is cut into chunks.
    [Theory]
    [InlineData(65536)]
    [InlineData(16)]
    [InlineData(1)]
    public async Task AChunkedBodyOfExactlyMaxContentLengthIsStoredWhateverItsChunks(int chunkSize)
    {
        var (status, body) = await PostChunkedAsync(WaiverOfSize(MaxContentLength), chunkSize);

        Assert.True(status == HttpStatusCode.Created, body.ToJsonString());
        Assert.Equal("sent chunked", (string?)body["comment"]);
        Assert.Equal(1, await CountWaiversAsync());
    }

    [Theory]
    [InlineData(MaxContentLength + 1, 65536)]
    [InlineData(MaxContentLength + 1, 16)]
    [InlineData(2 * MaxContentLength, 65536)]
    public async Task AChunkedBodyOverMaxContentLengthIsTheJson413NamingTheSetting(int size, int chunkSize)
    {
        var (status, body) = await PostChunkedAsync(WaiverOfSize(size), chunkSize);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("""{"message":"The request body is larger than MAX_CONTENT_LENGTH (65536 bytes)"}""", body.ToJsonString());
        Assert.Equal(0, await CountWaiversAsync());
    }

    /// <summary>Content of no known length, so HttpClient sends it chunked: one chunk a write.</summary>
    private sealed class ChunkedContent(byte[] bytes, int chunkSize) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < bytes.Length; offset += chunkSize)
            {
                await stream.WriteAsync(bytes.AsMemory(offset, Math.Min(chunkSize, bytes.Length - offset)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
