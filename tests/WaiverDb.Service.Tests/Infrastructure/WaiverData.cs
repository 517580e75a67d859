using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>Setting up and reading waivers in the read tests.</summary>
internal static class WaiverData
{
    /// <summary>Creates every waiver of <paramref name="bodies"/> in one list POST and returns them, in order.</summary>
    public static async Task<JsonArray> CreateAllAsync(this HttpClient client, IEnumerable<JsonObject> bodies)
    {
        using var response = await client.PostAsJsonAsync("/api/v1.0/waivers/", new JsonArray([.. bodies]));
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsArray();
    }

    /// <summary>
    /// Moves a waiver's timestamp. The server sets it at insert, so this is the only way
    /// to place waivers at known instants for the <c>since</c> filter.
    /// </summary>
    public static async Task SetTimestampAsync(this NpgsqlConnection db, JsonNode waiver, string timestamp)
    {
        var changed = await db.ExecuteAsync(
            """UPDATE waiver SET "timestamp" = CAST(@timestamp AS timestamp) WHERE id = @id""",
            new { id = waiver.Id(), timestamp });
        Assert.Equal(1, changed);
    }

    public static int Id(this JsonNode waiver) => (int)waiver["id"]!;

    /// <summary>The ids of a response's <c>data</c>, in the order served.</summary>
    public static int[] DataIds(this JsonNode response) =>
        [.. response["data"]!.AsArray().Select(w => w!.Id())];
}
