using WaiverDb.Service.Tests.Infrastructure;

namespace WaiverDb.Cli.Tests;

/// <summary>
/// auth_method = Kerberos end to end: alice's ticket from kinit, a real MIT KDC on
/// 127.0.0.1, and the real service accepting Kerberos only.
/// </summary>
[Collection(KerberosCollection.Name)]
public sealed class KerberosLoginTests(KerberosFixture fixture) : IDisposable
{
    private readonly CliHarness _cli = new();

    public void Dispose()
    {
        fixture.UseRealm();
        _cli.Dispose();
    }

    [KerberosFact]
    public async Task AWaiverIsCreatedAsThePrincipalOfTheTicket()
    {
        var config = KerberosConfig();

        var run = await _cli.RunAsync($"""create -C {config} -t dist.rpmdeplint -i krb5-1.21-1.fc40 -T koji_build -c "with a ticket" --json""");

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("\"username\":\"alice\"", run.Output, StringComparison.Ordinal);
        Assert.Contains("\"product_version\":\"fedora-40\"", run.Output, StringComparison.Ordinal);
    }

    [KerberosFact]
    public async Task WithoutATicketTheRefusalSaysToRunKinit()
    {
        var config = KerberosConfig();
        NativeEnvironment.Set("KRB5CCNAME", "FILE:" + Path.Combine(Path.GetTempPath(), "waiverdb-no-such-ccache-" + Guid.NewGuid().ToString("N")));
        var before = await fixture.CountWaiversAsync();

        var run = await _cli.RunAsync($"""create -C {config} -t dist.rpmdeplint -i krb5-1.21-1.fc40 -T koji_build -c "no ticket" """);

        Assert.Equal(3, run.ExitCode);
        Assert.StartsWith("Error: Failed to create waivers: Authentication required", run.Error, StringComparison.Ordinal);
        Assert.Contains("run kinit", run.Error, StringComparison.Ordinal);
        Assert.Equal(before, await fixture.CountWaiversAsync());
    }

    private string KerberosConfig() =>
        _cli.Config($"[waiverdb]\napi_url = {fixture.Address(fixture.Service)}api/v1.0\nauth_method = Kerberos\n");
}
