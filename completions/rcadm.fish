function __rcadm_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rcadm_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __rcadm_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __rcadm_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __rcadm_parse_tokens -S
    set -l unparsed_tokens (__rcadm_tokens -pc)
    switch $unparsed_tokens[1]
    case 'rcadm'
        __rcadm_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'check'
            __rcadm_parse_subcommand -r 1 'replicas=' 'search-multiple-owners' 'strict' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'info'
            __rcadm_parse_subcommand -r 1 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'call'
            __rcadm_parse_subcommand -r 2 'masters-only' 'replicas-only' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'create'
            __rcadm_parse_subcommand -r 1 'replicas=' 'no-wait' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'add-node'
            __rcadm_parse_subcommand 2 'replica' 'master=' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'del-node'
            __rcadm_parse_subcommand 2 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'failover'
            __rcadm_parse_subcommand 1 'master=' 'replica=' 'force' 'takeover' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'set-timeout'
            __rcadm_parse_subcommand 2 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'reshard'
            __rcadm_parse_subcommand 1 'from=' 'to=' 'slots=' 'pipeline=' 'migrate-timeout=' 'replace' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'rebalance'
            __rcadm_parse_subcommand 1 'weight=+' 'use-empty-masters' 'threshold=' 'simulate' 'pipeline=' 'migrate-timeout=' 'replace' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'fix'
            __rcadm_parse_subcommand 1 'search-multiple-owners' 'remeet' 'fix-with-unreachable-masters' 'pipeline=' 'migrate-timeout=' 'replace' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'import'
            __rcadm_parse_subcommand 1 'from=' 'from-db=' 'from-user=' 'from-pass=' 'from-cursor=' 'copy' 'pipeline=' 'migrate-timeout=' 'replace' 'y/yes' 'dry-run' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'repl'
            __rcadm_parse_subcommand 1 'h=' 'p=' 'raw' 'yes' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'help'
        case 'exec'
            __rcadm_parse_subcommand -r 2 'raw' 'json' 'a/pass=' 'user=' 'askpass' 'no-auth-warning' 'tls' 'cacert=' 'cacertdir=' 'cert=' 'key=' 'sni=' 'tls-verify-hostname' 'insecure' 'timeout=' 'kube-selector=' 'kube-namespace=' 'kube-context=' 'kube-container=' 'kubectl=' 'kube-transport=' 'kube-secret=' 'kube-allow-unready' 'version' 'h/help'
        case 'sandbox'
            __rcadm_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'up'
                __rcadm_parse_subcommand 0 'nodes=' 'base-port=' 'host=' 'redis-server=' 'replicas=' 'no-create' 'dir=' 'json' 'version' 'h/help'
            case 'down'
                __rcadm_parse_subcommand 0 'keep' 'dir=' 'json' 'version' 'h/help'
            case 'status'
                __rcadm_parse_subcommand 0 'dir=' 'json' 'version' 'h/help'
            end
        case 'help'
            __rcadm_parse_subcommand -r 1 'version'
        end
    end
end

function __rcadm_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __rcadm_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __rcadm_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __rcadm_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__rcadm_tokens -p)
    if test -z "$(__rcadm_tokens -t)"
        set -l index (count (__rcadm_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'rcadm' -f
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'check' -d 'Check a cluster\'s health: slots, agreement, open slots, failed nodes, replicas.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'info' -d 'Show each master\'s slots, keys, memory and replicas (with replication lag).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'call' -d 'Run one command on every node (or only masters / replicas) in parallel.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'create' -d 'Form a cluster from empty nodes: balanced slots, replicas placed away from their masters\' hosts.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'add-node' -d 'Add an empty node to a cluster, as a master without slots or as a replica.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'del-node' -d 'Remove a node without slots from the cluster, even if it has failed or cannot be reached.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'failover' -d 'Promote a replica to master (CLUSTER FAILOVER) and wait until every reachable node agrees.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'set-timeout' -d 'Set cluster-node-timeout on every node (CONFIG SET + CONFIG REWRITE); exit 1 if any node failed.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'reshard' -d 'Move slots and their keys from some masters to another, in pipelined batches.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'rebalance' -d 'Balance slots across masters by weight, moving as few slots as possible; independent pairs run at once.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'fix' -d 'Repair open slots, uncovered slots and slots with several owners, moving keys to one owner.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'import' -d 'Move (or --copy) every key of a standalone node or another cluster into this cluster.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'repl' -d 'Interactive shell on a cluster (or a single node): commands go straight to the owner of their keys.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'exec' -d 'Run one command on the node that owns its keys; exit 1 on an error reply.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'sandbox' -d 'Start, stop or list local cluster-enabled redis-server processes for trying rcadm out.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm check" -ge 1' -fka '(__rcadm_custom_completion ---completion check -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" replicas' -l 'replicas' -d 'Report masters with fewer than this many working replicas as errors.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" search-multiple-owners' -l 'search-multiple-owners' -d 'Also look for keys stored in slots a master does not own (one pipelined scan per master).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" strict' -l 'strict' -d 'Exit 1 on warnings too.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm info" -ge 1' -fka '(__rcadm_custom_completion ---completion info -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm info" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm call" -eq 1' -fka '(__rcadm_custom_completion ---completion call -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" masters-only' -l 'masters-only' -d 'Only masters.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" replicas-only' -l 'replicas-only' -d 'Only replicas.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm call" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm create" -ge 1' -fka '(__rcadm_custom_completion ---completion create -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" replicas' -l 'replicas' -d 'Replicas per master.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" no-wait' -l 'no-wait' -d 'Return once every node agrees on the configuration, before cluster_state is ok (Redis holds new masters back for min(cluster-node-timeout, 5 s)).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm add-node" -eq 1' -fka '(__rcadm_custom_completion ---completion add-node -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm add-node" -eq 2' -fka '(__rcadm_custom_completion ---completion add-node -- positional@1 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" replica' -l 'replica' -d 'Join as a replica.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" master' -l 'master' -d 'The master to replicate (id, unique id prefix or address); implies --replica.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm add-node" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm del-node" -eq 1' -fka '(__rcadm_custom_completion ---completion del-node -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm del-node" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm failover" -eq 1' -fka '(__rcadm_custom_completion ---completion failover -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" master' -l 'master' -d 'Fail over this master (id, unique id prefix or address) to its best replica.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" replica' -l 'replica' -d 'Promote this replica (id, unique id prefix or address).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" force' -l 'force' -d 'CLUSTER FAILOVER FORCE: do not wait for the master (use when it is down).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" takeover' -l 'takeover' -d 'CLUSTER FAILOVER TAKEOVER: no election; the replica takes over on its own.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm failover" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm set-timeout" -eq 1' -fka '(__rcadm_custom_completion ---completion set-timeout -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm set-timeout" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm reshard" -eq 1' -fka '(__rcadm_custom_completion ---completion reshard -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" from' -l 'from' -d 'Source masters: comma-separated ids, unique id prefixes or addresses, or \'all\'.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" to' -l 'to' -d 'Target master: id, unique id prefix or address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" slots' -l 'slots' -d 'How many slots to move.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" pipeline' -l 'pipeline' -d 'Keys per GETKEYSINSLOT/MIGRATE batch (redis-cli\'s --cluster-pipeline; its default is 10).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" migrate-timeout' -l 'migrate-timeout' -d 'Seconds one MIGRATE batch may take (redis-cli\'s --cluster-timeout).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" replace' -l 'replace' -d 'Overwrite keys that already exist on the target with a different value (default: stop and list them).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm reshard" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm rebalance" -eq 1' -fka '(__rcadm_custom_completion ---completion rebalance -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance"' -l 'weight' -d 'NODE=WEIGHT, NODE an id, unique id prefix or address (repeatable).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" use-empty-masters' -l 'use-empty-masters' -d 'Give slots to masters that have none.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" threshold' -l 'threshold' -d 'Rebalance only when some master is more than this percent away from its share.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" simulate' -l 'simulate' -d 'Print the plan without moving anything (same as --dry-run).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" pipeline' -l 'pipeline' -d 'Keys per GETKEYSINSLOT/MIGRATE batch (redis-cli\'s --cluster-pipeline; its default is 10).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" migrate-timeout' -l 'migrate-timeout' -d 'Seconds one MIGRATE batch may take (redis-cli\'s --cluster-timeout).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" replace' -l 'replace' -d 'Overwrite keys that already exist on the target with a different value (default: stop and list them).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm rebalance" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm fix" -eq 1' -fka '(__rcadm_custom_completion ---completion fix -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" search-multiple-owners' -l 'search-multiple-owners' -d 'Also scan every slot of every master for keys it does not own (16384 pipelined counts per master).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" remeet' -l 'remeet' -d 'Kubernetes: MEET every pod\'s current IP by node id, so nodes that restarted on new IPs rejoin.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" fix-with-unreachable-masters' -l 'fix-with-unreachable-masters' -d 'Repair even while some masters are unreachable (their keys cannot be considered).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" pipeline' -l 'pipeline' -d 'Keys per GETKEYSINSLOT/MIGRATE batch (redis-cli\'s --cluster-pipeline; its default is 10).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" migrate-timeout' -l 'migrate-timeout' -d 'Seconds one MIGRATE batch may take (redis-cli\'s --cluster-timeout).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" replace' -l 'replace' -d 'Overwrite keys that already exist on the target with a different value (default: stop and list them).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm fix" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm import" -eq 1' -fka '(__rcadm_custom_completion ---completion import -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" from' -l 'from' -d 'The source: host:port or redis://[user:password@]host:port (a standalone node or a cluster node).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" from-db' -l 'from-db' -d 'The source\'s database (a standalone source).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" from-user' -l 'from-user' -d 'The source\'s ACL user.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" from-pass' -l 'from-pass' -d 'The source\'s password (prefer the RCADM_FROM_AUTH environment variable).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" from-cursor' -l 'from-cursor' -d 'Resume from this SCAN cursor of the source (printed by an interrupted import).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" copy' -l 'copy' -d 'Leave the keys on the source (MIGRATE COPY).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" pipeline' -l 'pipeline' -d 'Keys per GETKEYSINSLOT/MIGRATE batch (redis-cli\'s --cluster-pipeline; its default is 10).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" migrate-timeout' -l 'migrate-timeout' -d 'Seconds one MIGRATE batch may take (redis-cli\'s --cluster-timeout).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" replace' -l 'replace' -d 'Overwrite keys that already exist on the target with a different value (default: stop and list them).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" y yes' -s 'y' -l 'yes' -d 'Apply without asking.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" dry-run' -l 'dry-run' -d 'Print the plan and exit without changing anything.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm repl" -eq 1' -fka '(__rcadm_custom_completion ---completion repl -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" h' -s 'h' -d 'Host, as in redis-cli.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" p' -s 'p' -d 'Port, as in redis-cli.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" raw' -l 'raw' -d 'Print replies raw (no quotes or types), like redis-cli --raw.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" yes' -l 'yes' -d 'Let FLUSHALL/FLUSHDB from piped input run on every master.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm repl" help' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm exec" -eq 1' -fka '(__rcadm_custom_completion ---completion exec -- positional@0 (count (__rcadm_tokens -pc)) (__rcadm_tokens -tC))'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" raw' -l 'raw' -d 'Print the reply raw.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" a pass' -s 'a' -l 'pass' -d 'Password (prefer --askpass or REDISCLI_AUTH: argv is visible to other users).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" user' -l 'user' -d 'ACL user name (with -a/--pass or --askpass).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" askpass' -l 'askpass' -d 'Prompt for the password on the terminal.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" no-auth-warning' -l 'no-auth-warning' -d 'Do not warn about a password given on the command line (-a/--pass or a URL).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" tls' -l 'tls' -d 'Connect with TLS.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" cacert' -l 'cacert' -d 'CA certificate file to verify nodes with (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" cacertdir' -l 'cacertdir' -d 'Directory of CA certificates (implies --tls).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" cert' -l 'cert' -d 'Client certificate for TLS (implies --tls).' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" key' -l 'key' -d 'Private key of --cert.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" sni' -l 'sni' -d 'TLS server name (SNI); with --tls-verify-hostname, the name each certificate must hold.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" tls-verify-hostname' -l 'tls-verify-hostname' -d 'Also check that each node\'s certificate names it (its DNS name, its IP address, or --sni); by default, as in redis-cli, only the chain is verified.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" insecure' -l 'insecure' -d 'Do not verify the nodes\' TLS certificates.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" timeout' -l 'timeout' -d 'Seconds any single wait may take: a connection, a reply (default 5), or a cluster-wide wait such as a join (default 60).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-selector' -l 'kube-selector' -d 'Label selector of the Redis pods: Kubernetes mode without a k8s:// address.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-namespace' -l 'kube-namespace' -d 'Namespace of the pods (default: default).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-context' -l 'kube-context' -d 'kubeconfig context (default: kubectl\'s current context).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-container' -l 'kube-container' -d 'Container that runs Redis in each pod (default: the Redis-looking one).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kubectl' -l 'kubectl' -d 'kubectl to run (default: RCADM_KUBECTL, else kubectl on PATH).' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-transport' -l 'kube-transport' -d 'How to reach pods (auto: direct if a pod IP answers, else exec, else port-forward).' -rfka 'auto direct exec port-forward'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-secret' -l 'kube-secret' -d 'Read the password from this Secret key (NAME/KEY); it never appears on any argv.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" kube-allow-unready' -l 'kube-allow-unready' -d 'Also use pods that run but are not Ready.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm exec" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm sandbox" -eq 1' -fa 'up' -d 'Start N empty nodes on consecutive loopback ports.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm sandbox" -eq 1' -fa 'down' -d 'Stop the sandbox\'s nodes and delete their files.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_positional "rcadm sandbox" -eq 1' -fa 'status' -d 'List the sandbox\'s nodes and whether they run.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" nodes' -l 'nodes' -d 'How many nodes to start.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" base-port' -l 'base-port' -d 'Port of the first node; node i listens on base-port + i and its bus on that + 10000.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" host' -l 'host' -d 'Loopback address to bind.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" redis-server' -l 'redis-server' -d 'redis-server (or valkey-server) executable to run.' -rF
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" replicas' -l 'replicas' -d 'Replicas per master when forming the cluster.' -rfka ''
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" no-create' -l 'no-create' -d 'Leave the nodes empty and unjoined (to try \'rcadm create\' by hand).'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" dir' -l 'dir' -d 'Directory holding the nodes\' files (default /tmp/rcadm-sandbox-<uid>).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox up" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox down" keep' -l 'keep' -d 'Keep the directory (logs, nodes.conf) after stopping.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox down" dir' -l 'dir' -d 'Directory holding the nodes\' files (default /tmp/rcadm-sandbox-<uid>).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox down" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox down" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox down" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox status" dir' -l 'dir' -d 'Directory holding the nodes\' files (default /tmp/rcadm-sandbox-<uid>).' -rfa '(__rcadm_complete_directories)'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox status" json' -l 'json' -d 'Print one JSON document instead of text.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox status" version' -l 'version' -d 'Show the version.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm sandbox status" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'rcadm' -n '__rcadm_should_offer_completions_for_flags_or_options "rcadm help" version' -l 'version' -d 'Show the version.'
