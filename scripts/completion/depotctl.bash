# bash completion for depotctl(8): subcommands, their options, option
# values (--kind) and files (databases *.db, CSV files *.csv).
# Installed as share/bash-completion/completions/depotctl.

_depotctl()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    local commands="init seed check import export backup"

    # the subcommand: the first word that is not an option
    cmd=""
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "--help --version" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return 0
    fi

    case $prev in
    --kind)
        COMPREPLY=($(compgen -W "items vehicles lines" -- "$cur"))
        return 0 ;;
    --items | --seed)
        return 0 ;;     # a number
    esac

    local opts="--help"
    case $cmd in
    seed) opts="--items --seed --help" ;;
    import) opts="--kind --help" ;;
    export) opts="--csv --json --kind --help" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return 0
    fi

    # which argument is this (options and their values do not count)?
    local n=0
    for ((i = i + 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        --kind | --items | --seed) ((i++)) ;;
        -*) ;;
        *) ((n++)) ;;
        esac
    done
    local IFS=$'\n'
    if ((n == 0)); then
        # the database
        COMPREPLY=($(compgen -f -X '!*.@(db|sqlite|sqlite3)' -- "$cur") $(compgen -d -- "$cur"))
    elif ((n == 1)) && [[ $cmd == import ]]; then
        COMPREPLY=($(compgen -f -X '!*.@(csv|CSV|txt)' -- "$cur") $(compgen -d -- "$cur"))
    elif ((n == 1)) && [[ $cmd == backup ]]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    compopt -o filenames 2>/dev/null
    return 0
}
complete -F _depotctl depotctl
