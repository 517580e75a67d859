using System.Text.Json.Nodes;
using WaiverDb.Service.Auth.Ldap;
using WaiverDb.Service.Settings;

namespace WaiverDb.Service.Tests;

/// <summary>How the LDAP settings are read, and the filter escaping the lookups rely on.</summary>
public sealed class LdapSettingsTests
{
    private static WaiverDbSettings Load(Action<JsonObject> change)
    {
        var path = Path.Combine(Path.GetTempPath(), $"waiverdb-ldap-settings-{Guid.NewGuid():N}.json");
        var settings = new JsonObject
        {
            ["DATABASE_URI"] = "postgresql://waiverdb@localhost/waiverdb",
            ["DEVELOPMENT"] = true,
            ["AUTH_METHODS"] = new JsonArray("dummy"),
        };
        change(settings);
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
    public void WithoutLdapHostThereAreNoLookups()
    {
        Assert.Null(Load(_ => { }).Ldap.Host);
    }

    [Fact]
    public void ASearchWithoutSearchStringUsesMemberUid()
    {
        var ldap = Load(s =>
        {
            s["LDAP_HOST"] = "ldaps://ldap.example.com";
            s["LDAP_SEARCHES"] = JsonNode.Parse("""[{"BASE": "ou=groups,dc=example,dc=com"}]""");
        }).Ldap;

        Assert.Equal(new Uri("ldaps://ldap.example.com"), ldap.Host);
        Assert.Equal([new LdapSearch("ou=groups,dc=example,dc=com", "(memberUid={user})")], ldap.Searches);
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60)), (ldap.Timeout, ldap.CacheDuration));
        Assert.Null(ldap.BindDn);
    }

    [Fact]
    public void TheLegacySingleSearchFormIsRead()
    {
        var ldap = Load(s =>
        {
            s["LDAP_HOST"] = "ldap://ldap.example.com:3389";
            s["LDAP_BASE"] = "ou=groups,dc=example,dc=com";
            s["LDAP_SEARCH_STRING"] = "(uniqueMember=uid={user},ou=people,dc=example,dc=com)";
        }).Ldap;

        Assert.Equal([new LdapSearch("ou=groups,dc=example,dc=com", "(uniqueMember=uid={user},ou=people,dc=example,dc=com)")], ldap.Searches);
    }

    [Fact]
    public void BadLdapSettingsStopStartUpNamingEachKey()
    {
        var problem = Assert.Throws<SettingsException>(() => Load(s =>
        {
            s["LDAP_HOST"] = "http://ldap.example.com";
            s["LDAP_SEARCHES"] = JsonNode.Parse("""[{"SEARCH_STRING": "(memberUid={user})"}, {"BASE": "dc=x", "SEARCH_STRING": "(objectClass=posixGroup)"}]""");
            s["LDAP_CACHE_SECONDS"] = -1;
        }));

        Assert.Equal([
            "LDAP_CACHE_SECONDS: must be between 0 and 86400",
            "LDAP_SEARCHES: entry 0 has no BASE",
            "LDAP_SEARCHES: the search string '(objectClass=posixGroup)' does not contain {user}",
            "LDAP_HOST: 'http://ldap.example.com' is not an LDAP URL such as ldap://ldap.example.com or ldaps://ldap.example.com:636",
        ], problem.Problems);
    }

    [Fact]
    public void LdapHostWithoutSearchesIsRefused()
    {
        var problem = Assert.Throws<SettingsException>(() => Load(s => s["LDAP_HOST"] = "ldap://ldap.example.com"));

        Assert.Equal(["LDAP_SEARCHES: must list at least one {\"BASE\": ..., \"SEARCH_STRING\": ...} when LDAP_HOST is set (or give LDAP_BASE)"],
            problem.Problems);
    }

    [Fact]
    public void ABindDnNeedsAPassword()
    {
        var problem = Assert.Throws<SettingsException>(() => Load(s =>
        {
            s["LDAP_HOST"] = "ldap://ldap.example.com";
            s["LDAP_BASE"] = "dc=example,dc=com";
            s["LDAP_BIND_DN"] = "cn=waiverdb,dc=example,dc=com";
        }));

        Assert.Equal(["LDAP_BIND_DN: LDAP_BIND_DN and LDAP_BIND_PASSWORD are given together or not at all"], problem.Problems);
    }

    [Fact]
    public void TheBindMethodIsSimpleWithABindDnAndAnonymousWithout()
    {
        var simple = Load(s =>
        {
            s["LDAP_HOST"] = "ldap://ldap.example.com";
            s["LDAP_BASE"] = "dc=example,dc=com";
            s["LDAP_BIND_DN"] = "cn=waiverdb,dc=example,dc=com";
            s["LDAP_BIND_PASSWORD"] = "secret";
        }).Ldap;
        var anonymous = Load(s =>
        {
            s["LDAP_HOST"] = "ldap://ldap.example.com";
            s["LDAP_BASE"] = "dc=example,dc=com";
        }).Ldap;

        Assert.Equal((LdapBindMethod.Simple, "cn=waiverdb,dc=example,dc=com"), (simple.BindMethod, simple.BindDn));
        Assert.Equal(LdapBindMethod.Anonymous, anonymous.BindMethod);
    }

    [Theory]
    [InlineData("GSSAPI")]
    [InlineData("gssapi")]
    public void GssapiIsReadWithTheClientKeytab(string method)
    {
        var ldap = Load(s =>
        {
            s["LDAP_HOST"] = "ldap://ldap.example.com";
            s["LDAP_BASE"] = "dc=example,dc=com";
            s["LDAP_BIND_METHOD"] = method;
            s["KRB5_CLIENT_KTNAME"] = "FILE:/etc/waiverdb/client.keytab";
        }).Ldap;

        Assert.Equal((LdapBindMethod.Gssapi, "FILE:/etc/waiverdb/client.keytab", null), (ldap.BindMethod, ldap.ClientKeytab, ldap.BindDn));
    }

    [Theory]
    [InlineData("GSSAPI", true, "LDAP_BIND_METHOD: GSSAPI binds with Kerberos credentials (KRB5_CLIENT_KTNAME or KRB5CCNAME), not LDAP_BIND_DN and LDAP_BIND_PASSWORD: remove them or choose simple")]
    [InlineData("anonymous", true, "LDAP_BIND_METHOD: anonymous contradicts LDAP_BIND_DN and LDAP_BIND_PASSWORD: remove them or choose simple")]
    [InlineData("simple", false, "LDAP_BIND_METHOD: simple needs LDAP_BIND_DN and LDAP_BIND_PASSWORD")]
    [InlineData("kerberos", false, "LDAP_BIND_METHOD: 'kerberos' is not one of anonymous, simple, GSSAPI")]
    public void ABindMethodThatTheOtherBindSettingsContradictIsRefused(string method, bool withBindDn, string expected)
    {
        var problem = Assert.Throws<SettingsException>(() => Load(s =>
        {
            s["LDAP_HOST"] = "ldap://ldap.example.com";
            s["LDAP_BASE"] = "dc=example,dc=com";
            s["LDAP_BIND_METHOD"] = method;
            if (withBindDn)
            {
                s["LDAP_BIND_DN"] = "cn=waiverdb,dc=example,dc=com";
                s["LDAP_BIND_PASSWORD"] = "secret";
            }
        }));

        Assert.Equal([expected], problem.Problems);
    }

    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("*", @"\2a")]
    [InlineData("*)(memberUid=*", @"\2a\29\28memberUid=\2a")]
    [InlineData(@"a\b", @"a\5cb")]
    [InlineData("a\0b", @"a\00b")]
    [InlineData("jörg", "jörg")]
    public void FilterValuesAreEscapedAsRfc4515Says(string value, string escaped)
    {
        Assert.Equal(escaped, LdapGroups.EscapeFilterValue(value));
    }
}
