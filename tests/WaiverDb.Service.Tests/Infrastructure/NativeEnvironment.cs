using System.Runtime.InteropServices;
using System.Text;

namespace WaiverDb.Service.Tests.Infrastructure;

/// <summary>
/// Sets a variable in the process's native environment, where libgssapi_krb5 reads
/// <c>KRB5_CONFIG</c> and <c>KRB5CCNAME</c>: on Linux
/// <see cref="Environment.SetEnvironmentVariable(string, string)"/> changes only a managed copy.
/// The managed copy is left alone on purpose, so child processes (other tests' services) do
/// not inherit a realm's settings.
/// </summary>
internal static class NativeEnvironment
{
    public static void Set(string name, string value)
    {
        if (setenv(CString(name), CString(value), 1) != 0)
        {
            throw new InvalidOperationException($"setenv {name} failed (errno {Marshal.GetLastPInvokeError()})");
        }
    }

    private static byte[] CString(string text) => Encoding.UTF8.GetBytes(text + '\0');

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(byte[] name, byte[] value, int overwrite);
}
