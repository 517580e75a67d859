using System.Text.Json.Nodes;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>Whole-document JSON comparisons that ignore formatting but not values or key names.</summary>
internal static class JsonAssert
{
    public static void Equal(string expected, JsonNode? actual) => Equal(JsonNode.Parse(expected), actual);

    public static void Equal(JsonNode? expected, JsonNode? actual)
    {
        if (!JsonNode.DeepEquals(expected, actual))
        {
            // Equal strings cannot be, so this fails with both documents in the message.
            Assert.Equal(expected?.ToJsonString() ?? "null", actual?.ToJsonString() ?? "null");
        }
    }
}
