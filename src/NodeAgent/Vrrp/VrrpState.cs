namespace KeepOperator.NodeAgent.Vrrp;

/// <summary>RFC 5798 section 6.4 states, plus Fault (keepalived's: interface down or tracking says so).</summary>
public enum VrrpState
{
    Initialize,
    Backup,
    Master,
    Fault,
}
