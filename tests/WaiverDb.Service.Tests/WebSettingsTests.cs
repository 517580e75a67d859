using System.Text.Json.Nodes;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

/// <summary>The web side's settings under upstream's names, and each wrong one named.</summary>
public sealed class WebSettingsTests : IDisposable
{
    private readonly List<string> _files = [];

    public void Dispose() => _files.ForEach(File.Delete);

    private WaiverDbSettings Load(Action<JsonObject>? change = null, Func<string, string?>? environment = null)
    {
        var settings = new JsonObject { ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb", ["DEVELOPMENT"] = true };
        change?.Invoke(settings);
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-web-settings-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, settings.ToJsonString());
        _files.Add(path);
        return SettingsLoader.Load(key => key == "WAIVERDB_CONFIG" ? path : environment?.Invoke(key));
    }

    [Fact]
    public void TheDefaultsAreUpstreamsCallbackAShortSessionAndNoSecret()
    {
        var web = Load().Web;

        Assert.Equal("/oidc_callback", web.CallbackRoute);
        Assert.Equal(["openid", "email", "profile"], web.Scopes);
        Assert.Equal(TimeSpan.FromHours(1), web.SessionLifetime);
        Assert.Null(web.SecretKey);
    }

    [Fact]
    public void UpstreamsKeysAreRead()
    {
        var web = Load(s =>
        {
            s["OIDC_CALLBACK_ROUTE"] = "/auth/callback";
            s["OIDC_SCOPES"] = new JsonArray("email", "https://waiverdb.example/oidc/create-waiver");
            s["SECRET_KEY"] = "0123456789abcdef0123";
            s["PERMANENT_SESSION_LIFETIME"] = 7200;
        }).Web;

        Assert.Equal("/auth/callback", web.CallbackRoute);
        Assert.Equal(["openid", "email", "https://waiverdb.example/oidc/create-waiver"], web.Scopes);
        Assert.Equal("0123456789abcdef0123", web.SecretKey);
        Assert.Equal(TimeSpan.FromHours(2), web.SessionLifetime);
    }

    [Fact]
    public void ScopesMayBeOneSpaceSeparatedStringInTheEnvironment()
    {
        var web = Load(environment: key => key == "OIDC_SCOPES" ? "openid profile" : null).Web;

        Assert.Equal(["openid", "profile"], web.Scopes);
    }

    [Fact]
    public void WrongValuesStopStartUpNamingTheirKeys()
    {
        var problems = Assert.Throws<SettingsException>(() => Load(s =>
        {
            s["OIDC_CALLBACK_ROUTE"] = "oidc_callback";
            s["SECRET_KEY"] = "short";
            s["PERMANENT_SESSION_LIFETIME"] = "forever";
        })).Problems;

        Assert.Contains(problems, p => p.StartsWith("OIDC_CALLBACK_ROUTE: ", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("SECRET_KEY: must be at least 16 characters", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("PERMANENT_SESSION_LIFETIME: ", StringComparison.Ordinal));
    }
}
