using System.Net;
using WaiverDb.Service.Tests.Infrastructure;
using static WaiverDb.Service.Tests.Infrastructure.OpenShiftManifests;

namespace WaiverDb.Service.Tests;

/// <summary>The probe paths of the OpenShift Deployment answer 200 from the real service on a healthy database.</summary>
public sealed class OpenShiftProbeTests : ServiceFixture
{
    [Theory]
    [InlineData("overlays/staging")]
    [InlineData("overlays/prod")]
    public async Task EveryProbePathOfTheDeploymentAnswers200(string environment)
    {
        var deployment = Get(Build(environment), "Deployment", "waiverdb-web");
        var paths = deployment["spec"]!["template"]!["spec"]!["containers"]!.AsArray()
            .SelectMany(c => new[] { c!["readinessProbe"], c["livenessProbe"], c["startupProbe"] })
            .Where(p => p is not null)
            .Select(p => (string)p!["httpGet"]!["path"]!)
            .ToList();
        Assert.Equal(2, paths.Count);
        foreach (var path in paths)
        {
            using var response = await Anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }
}
