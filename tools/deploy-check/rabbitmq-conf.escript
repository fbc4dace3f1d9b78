#!/usr/bin/env escript
%% deploy-check: RabbitMQ's cuttlefish schemas applied to a .conf file, and enabled_plugins against the plugins
%% that exist. Args: PluginsDir ConfFile EnabledPluginsFile
main([PluginsDir, ConfFile, PluginsFile]) ->
    logger:set_primary_config(level, none), % cuttlefish also logs each error; the errorlist below says it once
    [code:add_patha(E) || E <- filelib:wildcard(PluginsDir ++ "/*/ebin")],
    Schemas = filelib:wildcard(PluginsDir ++ "/*/priv/schema/*.schema")
        ++ filelib:wildcard(PluginsDir ++ "/cuttlefish-*/priv/*.schema"),
    Conf = cuttlefish_conf:files([ConfFile]),
    ConfOk = case Conf of
        {errorlist, E1} -> [io:format("  error: ~s: ~s~n", [ConfFile, cuttlefish_error:xlate(X)]) || X <- E1], false;
        _ ->
            case cuttlefish_generator:map(cuttlefish_schema:files(Schemas), Conf) of
                {error, _Phase, {errorlist, Errs}} ->
                    [io:format("  error: ~s: ~s~n", [ConfFile, cuttlefish_error:xlate(X)]) || X <- Errs], false;
                L when is_list(L) -> true
            end
    end,
    Known = [list_to_atom(re:replace(filename:basename(D), "-[0-9][0-9.]*$", "", [{return, list}]))
             || D <- filelib:wildcard(PluginsDir ++ "/*")],
    PluginsOk = case file:consult(PluginsFile) of
        {ok, [Plugins]} when is_list(Plugins) ->
            Missing = [P || P <- Plugins, not lists:member(P, Known)],
            [io:format("  error: ~s: no such plugin ~p~n", [PluginsFile, P]) || P <- Missing],
            Missing =:= [];
        Other -> io:format("  error: ~s is not one Erlang list term: ~p~n", [PluginsFile, Other]), false
    end,
    halt(case ConfOk andalso PluginsOk of true -> 0; false -> 1 end).
