using System.Text.Json.Nodes;

namespace WaiverDb.Service.Tests;

/// <summary>The .NET runtime settings `dotnet WaiverDb.Service.dll` starts with, as built next to the service.</summary>
public sealed class RuntimeSettingsTests
{
    [Fact]
    public void TheServiceRunsTheWorkstationGarbageCollector()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "WaiverDb.Service.runtimeconfig.json");
        var properties = JsonNode.Parse(File.ReadAllText(path))!["runtimeOptions"]!["configProperties"]!;

        Assert.False((bool)properties["System.GC.Server"]!, $"{path} chooses the server garbage collector");
    }
}
