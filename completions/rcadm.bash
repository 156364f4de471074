#!/bin/bash

__rcadm_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__rcadm_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__rcadm_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__rcadm_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_rcadm() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;};trap - RETURN" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __rcadm_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    check|info|call|create|add-node|del-node|failover|set-timeout|reshard|rebalance|fix|import|backup|restore|repl|exec|sandbox|help)
        # Offer subcommand argument completions
        "_rcadm_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'check info call create add-node del-node failover set-timeout reshard rebalance fix import backup restore repl exec sandbox help' -- "${cur}"))
        ;;
    esac
}

_rcadm_check() {
    repeating_flags=()
    non_repeating_flags=(--search-multiple-owners --strict --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--replicas -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--replicas')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion check -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_info() {
    repeating_flags=()
    non_repeating_flags=(--json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion info -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_call() {
    repeating_flags=()
    non_repeating_flags=(--masters-only --replicas-only --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion call -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_create() {
    repeating_flags=()
    non_repeating_flags=(--no-wait -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--replicas -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--replicas')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion create -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_add-node() {
    repeating_flags=()
    non_repeating_flags=(--replica -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--master -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--master')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion add-node -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion add-node -- positional@1 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_del-node() {
    repeating_flags=()
    non_repeating_flags=(-y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion del-node -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_failover() {
    repeating_flags=()
    non_repeating_flags=(--force --takeover -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--master --replica -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--master')
        return
        ;;
    '--replica')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion failover -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_set-timeout() {
    repeating_flags=()
    non_repeating_flags=(-y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion set-timeout -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_reshard() {
    repeating_flags=()
    non_repeating_flags=(--replace -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--from --to --slots --pipeline --migrate-timeout -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--from')
        return
        ;;
    '--to')
        return
        ;;
    '--slots')
        return
        ;;
    '--pipeline')
        return
        ;;
    '--migrate-timeout')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion reshard -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_rebalance() {
    repeating_flags=()
    non_repeating_flags=(--use-empty-masters --simulate --replace -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=(--weight)
    non_repeating_options=(--threshold --pipeline --migrate-timeout -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--weight')
        return
        ;;
    '--threshold')
        return
        ;;
    '--pipeline')
        return
        ;;
    '--migrate-timeout')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion rebalance -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_fix() {
    repeating_flags=()
    non_repeating_flags=(--search-multiple-owners --remeet --fix-with-unreachable-masters --replace -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--pipeline --migrate-timeout -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--pipeline')
        return
        ;;
    '--migrate-timeout')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion fix -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_import() {
    repeating_flags=()
    non_repeating_flags=(--copy --replace -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--from --from-db --from-user --from-pass --from-cursor --pipeline --migrate-timeout -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--from')
        return
        ;;
    '--from-db')
        return
        ;;
    '--from-user')
        return
        ;;
    '--from-pass')
        return
        ;;
    '--from-cursor')
        return
        ;;
    '--pipeline')
        return
        ;;
    '--migrate-timeout')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion import -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_backup() {
    repeating_flags=()
    non_repeating_flags=(--diskless --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(--verify --snapshot-timeout -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--verify')
        return
        ;;
    '--snapshot-timeout')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion backup -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    2)
        __rcadm_add_completions -d
        return
        ;;
    esac
}

_rcadm_restore() {
    repeating_flags=()
    non_repeating_flags=(--replace -y --yes --dry-run --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=(--server)
    non_repeating_options=(--pipeline --migrate-timeout -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--server')
        return
        ;;
    '--pipeline')
        return
        ;;
    '--migrate-timeout')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -d
        return
        ;;
    2)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion restore -- positional@1 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_repl() {
    repeating_flags=()
    non_repeating_flags=(--raw --yes --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version --help)
    repeating_options=()
    non_repeating_options=(-h -p -a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '-h')
        return
        ;;
    '-p')
        return
        ;;
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion repl -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_exec() {
    repeating_flags=()
    non_repeating_flags=(--raw --json --askpass --no-auth-warning --tls --tls-verify-hostname --insecure --kube-allow-unready --version -h --help)
    repeating_options=()
    non_repeating_options=(-a --pass --user --cacert --cacertdir --cert --key --sni --timeout --kube-selector --kube-namespace --kube-context --kube-container --kubectl --kube-transport --kube-secret)
    __rcadm_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '-a'|'--pass')
        return
        ;;
    '--user')
        return
        ;;
    '--cacert')
        __rcadm_add_completions -f
        return
        ;;
    '--cacertdir')
        __rcadm_add_completions -d
        return
        ;;
    '--cert')
        __rcadm_add_completions -f
        return
        ;;
    '--key')
        __rcadm_add_completions -f
        return
        ;;
    '--sni')
        return
        ;;
    '--timeout')
        return
        ;;
    '--kube-selector')
        return
        ;;
    '--kube-namespace')
        return
        ;;
    '--kube-context')
        return
        ;;
    '--kube-container')
        return
        ;;
    '--kubectl')
        return
        ;;
    '--kube-transport')
        __rcadm_add_completions -W 'auto'$'\n''direct'$'\n''exec'$'\n''port-forward'
        return
        ;;
    '--kube-secret')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __rcadm_add_completions -W "$(__rcadm_custom_complete ---completion exec -- positional@0 "${COMP_CWORD}" "$(__rcadm_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_rcadm_sandbox() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __rcadm_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    up|down|status)
        # Offer subcommand argument completions
        "_rcadm_sandbox_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'up down status' -- "${cur}"))
        ;;
    esac
}

_rcadm_sandbox_up() {
    repeating_flags=()
    non_repeating_flags=(--no-create --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--nodes --base-port --host --redis-server --replicas --dir)
    __rcadm_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--nodes')
        return
        ;;
    '--base-port')
        return
        ;;
    '--host')
        return
        ;;
    '--redis-server')
        __rcadm_add_completions -f
        return
        ;;
    '--replicas')
        return
        ;;
    '--dir')
        __rcadm_add_completions -d
        return
        ;;
    esac
}

_rcadm_sandbox_down() {
    repeating_flags=()
    non_repeating_flags=(--keep --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--dir)
    __rcadm_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--dir')
        __rcadm_add_completions -d
        return
        ;;
    esac
}

_rcadm_sandbox_status() {
    repeating_flags=()
    non_repeating_flags=(--json --version -h --help)
    repeating_options=()
    non_repeating_options=(--dir)
    __rcadm_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--dir')
        __rcadm_add_completions -d
        return
        ;;
    esac
}

_rcadm_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __rcadm_offer_flags_options -1
}

complete -o filenames -F _rcadm rcadm

# Node addresses are host:port. With ':' in COMP_WORDBREAKS (bash's default),
# bash splits `127.0.0.1:70` into three words, so the custom completion only
# sees `70` after the colon and can never match host:port candidates. Removing
# ':' makes host:port one word. (This is shell-wide; bash-completion's helpers
# work with either setting.)
COMP_WORDBREAKS=${COMP_WORDBREAKS//:}
