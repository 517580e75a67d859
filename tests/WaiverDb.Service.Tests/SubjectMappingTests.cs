using WaiverDb.Contracts.Waivers;

namespace WaiverDb.Service.Tests;

public sealed class SubjectMappingTests
{
    [Theory]
    [InlineData("brew-build", "koji_build")]
    [InlineData("koji_build", "koji_build")]
    [InlineData("compose", "compose")]
    [InlineData("Brew-Build", "Brew-Build")]
    [InlineData("bodhi_update", "bodhi_update")]
    public void OnlyBrewBuildIsRenamed(string given, string stored)
    {
        Assert.Equal(stored, SubjectMapping.NormalizeType(given));
    }

    [Fact]
    public void TheLegacyEchoOfAComposeIsItsComposeId()
    {
        Assert.Equal(new Dictionary<string, string> { ["productmd.compose.id"] = "Fedora-27-20171110.n.1" },
            SubjectMapping.ToLegacySubject("compose", "Fedora-27-20171110.n.1"));
    }

    [Fact]
    public void TheLegacyEchoOfAnythingElseIsTypeAndItem()
    {
        Assert.Equal(new Dictionary<string, string> { ["type"] = "koji_build", ["item"] = "glibc-2.26-27.fc27" },
            SubjectMapping.ToLegacySubject("koji_build", "glibc-2.26-27.fc27"));
    }

    [Theory]
    [InlineData("""{"type": "koji_build", "item": "nvr"}""", "koji_build", "nvr")]
    [InlineData("""{"type": "brew-build", "item": "nvr"}""", "koji_build", "nvr")]
    [InlineData("""{"type": "bodhi_update", "item": "FEDORA-2019-1"}""", "bodhi_update", "FEDORA-2019-1")]
    [InlineData("""{"original_spec_nvr": "nvr"}""", "koji_build", "nvr")]
    [InlineData("""{"productmd.compose.id": "Fedora-27"}""", "compose", "Fedora-27")]
    [InlineData("""{"type": "koji_build", "item": "nvr", "original_spec_nvr": "other"}""", "koji_build", "nvr")]
    [InlineData("""{"type": "koji_build", "original_spec_nvr": "nvr"}""", "koji_build", "nvr")]
    [InlineData("""{"item": "x", "productmd.compose.id": "Fedora-27"}""", "compose", "Fedora-27")]
    public void LegacySubjectsMapToTypeAndIdentifier(string json, string type, string identifier)
    {
        var subject = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(json)!;

        Assert.True(SubjectMapping.TryFromLegacySubject(subject, out var mappedType, out var mappedIdentifier));
        Assert.Equal((type, identifier), (mappedType, mappedIdentifier));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"type": "koji_build"}""")]
    [InlineData("""{"item": "nvr"}""")]
    [InlineData("""{"type": "", "item": "nvr"}""")]
    [InlineData("""{"type": "koji_build", "item": null}""")]
    [InlineData("""{"original_spec_nvr": ""}""")]
    [InlineData("""{"productmd.compose.id": null}""")]
    [InlineData("""{"nvr": "x"}""")]
    public void OtherSubjectsDoNotMap(string json)
    {
        var subject = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string?>>(json)!;

        Assert.False(SubjectMapping.TryFromLegacySubject(subject, out var type, out var identifier));
        Assert.Equal((string.Empty, string.Empty), (type, identifier));
    }
}
