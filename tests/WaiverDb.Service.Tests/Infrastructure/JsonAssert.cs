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
            // The documents differ, so their texts do too: this fails showing both.
            Assert.Equal(expected?.ToJsonString() ?? "null", actual?.ToJsonString() ?? "null");
        }
    }
}
