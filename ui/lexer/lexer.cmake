# The policy editor's highlighting: YAML with condition values lexed as the
# condition language, light and dark palettes, indentation folding (ui/lexer/).
target_sources(osh_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/policystyler.cpp ${CMAKE_CURRENT_LIST_DIR}/policystyler.h
    ${CMAKE_CURRENT_LIST_DIR}/policylexer.cpp ${CMAKE_CURRENT_LIST_DIR}/policylexer.h
)
