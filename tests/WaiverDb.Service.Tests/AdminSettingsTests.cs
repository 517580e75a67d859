using System.Text.Json.Nodes;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

/// <summary>How <c>ADMINS</c> is read: a list of users, or users and groups; anything else stops start-up naming the key.</summary>
public sealed class AdminSettingsTests
{
    private static WaiverDbSettings Load(string? admins, string? environment = null)
    {
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-admin-settings-{Guid.NewGuid():N}.json");
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
        };
        if (admins is not null)
        {
            settings["ADMINS"] = JsonNode.Parse(admins);
        }

        File.WriteAllText(path, settings.ToJsonString());
        try
        {
            return SettingsLoader.Load(key => key switch
            {
                "WAIVERDB_CONFIG" => path,
                "ADMINS" => environment,
                _ => null,
            });
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void WithoutAdminsNobodyIsAnAdministrator()
    {
        var admins = Load(null).Admins;

        Assert.Empty(admins.Users);
        Assert.Empty(admins.Groups);
        Assert.False(admins.Includes("root", ["wheel"]));
    }

    [Fact]
    public void AListNamesUsers()
    {
        var admins = Load("""["alice", "bob"]""").Admins;

        Assert.True(admins.Includes("alice", []));
        Assert.True(admins.Includes("bob", []));
        Assert.False(admins.Includes("Alice", []));
        Assert.Empty(admins.Groups);
    }

    [Fact]
    public void AnObjectNamesUsersAndGroups()
    {
        var admins = Load("""{"users": ["alice"], "groups": ["sysadmin-waiverdb"]}""").Admins;

        Assert.True(admins.Includes("alice", []));
        Assert.True(admins.Includes("carol", ["packager", "sysadmin-waiverdb"]));
        Assert.False(admins.Includes("carol", ["packager"]));
    }

    [Fact]
    public void TheEnvironmentVariableTakesJson()
    {
        var admins = Load("""["alice"]""", environment: """{"groups": ["ops"]}""").Admins;

        Assert.False(admins.Includes("alice", []));
        Assert.True(admins.Includes("dave", ["ops"]));
    }

    [Theory]
    [InlineData("\"alice\"", "ADMINS: must be a list of user names or {\"users\": [...], \"groups\": [...]}")]
    [InlineData("[\"alice\", 3]", "ADMINS: every entry must be a non-empty string, not 3")]
    [InlineData("[\"\"]", "ADMINS: every entry must be a non-empty string, not \"\"")]
    [InlineData("{\"group\": [\"ops\"]}", "ADMINS: unknown key 'group' (must be a list of user names or {\"users\": [...], \"groups\": [...]})")]
    [InlineData("{\"users\": \"alice\"}", "ADMINS: users must be a list of strings")]
    [InlineData("{\"groups\": [null]}", "ADMINS: every entry of groups must be a non-empty string, not null")]
    public void AnythingElseStopsStartUpNamingTheKey(string admins, string problem)
    {
        var error = Assert.Throws<SettingsException>(() => Load(admins));

        Assert.Equal([problem], error.Problems);
    }
}
