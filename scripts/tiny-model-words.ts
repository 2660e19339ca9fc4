/** Everyday English words, so prompts outside the reference sets still tokenize into whole words in tests. */
export const COMMON_WORDS: readonly string[] = `
the be to of and a in that have it for not on with he as you do at this but his by from they we say her she or an will
my one all would there their what so up out if about who get which go me when make can like time no just him know take
people into year your good some could them see other than then now look only come its over think also back after use two
how our work first well way even new want because any these give day most us is are was were been has had did does made
write function code python javascript typescript java rust go sql query table database list array string number integer
sort merge reverse find search parse convert return class method error bug fix debug test explain why what how list lists
sorted two merges merging merged implement create build generate script program file read line lines count word words text
summarize summary summarise article report meeting notes email letter draft reply polite customer support account password
reset billing invoice refund order shipping delivery contract clause agreement party parties liability termination payment
translate translation french spanish german english japanese chinese sentence language poem story haiku creative character
data analysis chart trend average mean median revenue sales growth percent percentage increase decrease month quarter year
math problem solve equation train speed distance hours minutes apples cost price total each how many much
classify classification category label sentiment positive negative neutral review spam extract extraction name date address
phone json field fields entity entities hello hi hey thanks thank morning evening weekend movie movies music favorite fun
recommend pair boots hiking wide feet shoes buy best cheap product store travel trip hotel flight recipe cook dinner weather
please help need want could would should can you me my our this that these those with without about into from
`
  .split(/\s+/)
  .filter((w) => w.length > 0);
