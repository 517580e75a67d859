using System.Text.Json.Nodes;
using WaiverDb.Contracts;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

/// <summary>How <c>PERMISSIONS</c> and <c>PERMISSION_MAPPING</c> are read from the settings file.</summary>
public sealed class PermissionSettingsTests
{
    private static WaiverDbSettings Load(string permissions, string mapping = "{}")
    {
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-permission-settings-{Guid.NewGuid():N}.json");
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
            ["PERMISSIONS"] = JsonNode.Parse(permissions),
            ["PERMISSION_MAPPING"] = JsonNode.Parse(mapping),
        };
        File.WriteAllText(path, settings.ToJsonString());
        try
        {
            return SettingsLoader.Load(key => key == "WAIVERDB_CONFIG" ? path : null);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void KeysAPermissionEntryOmitsAreEmptyLists()
    {
        var entry = Assert.Single(Load("""[{"name": "dist", "testcases": ["dist.*"], "users": ["alice"]}]""").Permissions);

        Assert.Equal("dist", entry.Name);
        Assert.Equal(["dist.*"], entry.Testcases);
        Assert.Equal(["alice"], entry.Users);
        Assert.Empty(entry.Maintainers);
        Assert.Empty(entry.TestcasesIgnore);
        Assert.Empty(entry.Groups);
    }

    [Fact]
    public void AnEntryWithoutTestcasesStopsStartUpNamingTheKey()
    {
        var problem = Assert.Throws<SettingsException>(() => Load("""[{"name": "nothing", "users": ["alice"]}]"""));

        Assert.Equal(["PERMISSIONS: entry 0 (nothing) lists no testcases"], problem.Problems);
    }

    [Fact]
    public void ANullEntryStopsStartUpNamingTheKey()
    {
        var problem = Assert.Throws<SettingsException>(() => Load("[null]"));

        Assert.Equal(["PERMISSIONS: entry 0 is null"], problem.Problems);
    }

    [Fact]
    public void KeysAPermissionMappingValueOmitsAreEmptyLists()
    {
        var mapping = Load("[]", """{"^dist\\.": {"users": ["alice"]}, "^qa\\.": {"groups": ["qa"]}}""").PermissionMapping;

        Assert.Equal(["^dist\\.", "^qa\\."], mapping.Keys);
        Assert.Equal(new PermissionMappingEntry { Users = ["alice"], Groups = [] }.Users, mapping["^dist\\."].Users);
        Assert.Empty(mapping["^dist\\."].Groups);
        Assert.Equal(["qa"], mapping["^qa\\."].Groups);
        Assert.Empty(mapping["^qa\\."].Users);
    }

    [Fact]
    public void AnInvalidPermissionMappingRegexStopsStartUpNamingTheKey()
    {
        var problem = Assert.Throws<SettingsException>(() => Load("[]", """{"dist.(": {"users": ["alice"]}}"""));

        Assert.StartsWith("PERMISSION_MAPPING: 'dist.(' is not a valid regular expression", Assert.Single(problem.Problems), StringComparison.Ordinal);
    }
}
