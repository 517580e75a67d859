using System.Runtime.InteropServices;
using System.Text;

namespace WaiverDb.Service.Auth.Kerberos;

/// <summary>
/// Puts a <c>KRB5_KTNAME</c> from the settings file where GSSAPI reads it: the process's
/// native environment. .NET's <see cref="Environment.SetEnvironmentVariable(string, string)"/>
/// changes only a managed copy on Linux, which libgssapi_krb5 never sees.
/// </summary>
internal static class KerberosEnvironment
{
    private const string KeytabVariable = "KRB5_KTNAME";
    private static readonly Lock Gate = new();
    private static string? _exported;

    public static void ExportKeytab(string? keytab)
    {
        if (keytab is null || keytab == _exported)
        {
            return;
        }

        lock (Gate)
        {
            if (keytab == _exported)
            {
                return;
            }

            // Already in the environment the process started with: nothing to do.
            if (Environment.GetEnvironmentVariable(KeytabVariable) != keytab)
            {
                SetNative(KeytabVariable, keytab);
                Environment.SetEnvironmentVariable(KeytabVariable, keytab);
            }

            _exported = keytab;
        }
    }

    private static void SetNative(string name, string value)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        if (setenv(CString(name), CString(value), 1) != 0)
        {
            throw new InvalidOperationException($"could not set {name} in the process environment (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + '\0');

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(byte[] name, byte[] value, int overwrite);
}
